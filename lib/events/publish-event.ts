import type { Transaction } from "../db/client";
import { getLogger } from "../logger";
import { dispatchEvent } from "./dispatch-event";
import type { DomainEvent } from "./events";
import { recordEvent, recordEventNow } from "./record-event";

export interface PublishOptions {
  /** Record the event in this transaction; the caller then calls `dispatchEvent` after the commit. */
  tx?: Transaction;
}

/**
 * Records the event in the outbox and, without a transaction, dispatches it at once.
 *
 * With `tx`, a failure to record propagates, so the caller's transaction (the change the
 * event reports) rolls back with it. Without `tx`, publishing never throws: if the outbox
 * cannot be written the event is still dispatched (at least its log line is written) and
 * the failure is logged with the whole event, so it is never lost silently.
 */
export async function publishEvent(event: DomainEvent, { tx }: PublishOptions = {}): Promise<void> {
  if (tx) {
    await recordEvent(tx, event);
    return;
  }
  try {
    await recordEventNow(event);
  } catch (error) {
    getLogger().error({ err: error, event }, "could not record the event in the outbox; dispatching it anyway");
  }
  await dispatchEvent(event);
}
