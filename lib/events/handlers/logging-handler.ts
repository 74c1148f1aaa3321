import { getLogger } from "../../logger";
import { EVENT_CATALOG, EVENT_TYPES } from "../event-catalog";
import type { DomainEvent } from "../events";
import { defineHandler } from "../handler";

/**
 * The structured line for an event: its name, ids, workflow and outcome, and its declared
 * fields. Built from the event alone, which holds no credential by construction.
 */
export function eventLogLine(event: DomainEvent): Record<string, unknown> {
  const { type, actor, ...fields } = event;
  const { workflow, outcome } = EVENT_CATALOG[type];
  return {
    event: type,
    workflow,
    outcome,
    actorType: actor.type,
    actorUserId: actor.type === "user" ? actor.userId : null,
    ...fields,
  };
}

/** One pino line per event: info for Attempted and Succeeded, warn for Failed. */
export const loggingHandler = defineHandler({
  name: "logging",
  receives: EVENT_TYPES,
  async handle(event) {
    const line = eventLogLine(event);
    if (EVENT_CATALOG[event.type].outcome === "failed") getLogger().warn(line, event.type);
    else getLogger().info(line, event.type);
  },
});
