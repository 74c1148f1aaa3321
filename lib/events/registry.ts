/**
 * The one place that says which handlers receive which events, and in what order they run
 * (DESIGN.md §2): logging first (cheap, and tells the story even when the database is down),
 * then the audit row, then the email. registry.test.ts checks this against the design's matrix.
 */
import { createDispatcher } from "./dispatcher";
import type { DomainEventType } from "./events";
import { EVENT_TYPES } from "./event-catalog";
import type { EventHandler } from "./handler";
import { auditHandler } from "./handlers/audit-handler";
import { emailHandler } from "./handlers/email-handler";
import { loggingHandler } from "./handlers/logging-handler";
import { databaseRunStore } from "./handler-run-store";

/** Every handler, in the order they run. */
export const EVENT_HANDLERS: readonly EventHandler[] = Object.freeze([loggingHandler, auditHandler, emailHandler]);

/** The dispatcher the app uses: the handlers above, runs recorded in `event_handler_runs`. */
export const dispatcher = createDispatcher({ handlers: EVENT_HANDLERS, store: databaseRunStore });

/** Event type → the names of its handlers, in run order. */
export function handlerMatrix(handlers: readonly EventHandler[] = EVENT_HANDLERS): Record<DomainEventType, string[]> {
  const matrix = Object.fromEntries(EVENT_TYPES.map((type) => [type, [] as string[]])) as Record<DomainEventType, string[]>;
  for (const handler of handlers) {
    for (const type of handler.receives) matrix[type].push(handler.name);
  }
  return matrix;
}
