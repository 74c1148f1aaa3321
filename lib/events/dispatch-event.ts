import type { DispatchResult } from "./dispatcher";
import type { DomainEvent } from "./events";
import { dispatcher } from "./registry";

/**
 * Runs the event's handlers now, in their declared order, each isolated from the others;
 * records every run and marks the outbox row processed when all succeeded. Never throws.
 * Call it after the transaction that recorded the event has committed; there are no retry
 * sleeps in here (failed handlers are retried by the recovery pass), so it stays fast
 * enough to await in a request.
 */
export function dispatchEvent(event: DomainEvent): Promise<DispatchResult> {
  return dispatcher.dispatch(event);
}
