import type { Executor } from "../db/client";
import { getDb } from "../db/client";
import { eventOutbox } from "../db/schema";
import type { DomainEvent } from "./events";
import { groupCommit } from "../db/group-commit";

function outboxRow(event: DomainEvent) {
  return { eventId: event.eventId, type: event.type, payload: event, createdAt: new Date() };
}

/**
 * Writes the event to the outbox. For an outcome event, pass the transaction that makes the
 * change it reports: both commit or neither does, so a process that dies right after the
 * commit still leaves the event for the recovery pass. Recording an event twice is a no-op.
 */
export async function recordEvent(executor: Executor, event: DomainEvent): Promise<void> {
  await executor.insert(eventOutbox).values(outboxRow(event)).onConflictDoNothing({ target: eventOutbox.eventId });
}

/** `recordEvent` outside any transaction; events recorded at the same moment share one insert (group commit). */
export const recordEventNow: (event: DomainEvent) => Promise<void> = groupCommit(async (events: DomainEvent[]) => {
  const db = await getDb();
  await db.insert(eventOutbox).values(events.map(outboxRow)).onConflictDoNothing({ target: eventOutbox.eventId });
  return events.map(() => undefined);
});
