import type { Executor } from "../db/client";
import { eventOutbox } from "../db/schema";
import type { DomainEvent } from "./events";

/**
 * Writes the event to the outbox. For an outcome event, pass the transaction that makes the
 * change it reports: both commit or neither does, so a process that dies right after the
 * commit still leaves the event for the recovery pass. Recording an event twice is a no-op.
 */
export async function recordEvent(executor: Executor, event: DomainEvent): Promise<void> {
  await executor
    .insert(eventOutbox)
    .values({ eventId: event.eventId, type: event.type, payload: event, createdAt: new Date() })
    .onConflictDoNothing({ target: eventOutbox.eventId });
}
