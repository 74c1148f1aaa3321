/**
 * The one way a use-case says "this happened" (docs/DESIGN.md §2 and §7):
 * - `withEvents(async (tx, emit) => …)`: the change and its outbox rows commit together;
 *   the handlers run after the commit.
 * - `emitNow(event)`: an Attempted or Failed event that reports no change of its own.
 * Everything else here (outbox rows, group commit, `after()`) is behind these two.
 */
import { sql } from "drizzle-orm";
import { after } from "next/server";

import { crashPoint } from "../crash-point";
import { getDb, type Executor, type Transaction } from "../db/client";
import { groupCommit } from "../db/group-commit";
import { jsonRows } from "../db/json-rows";
import { queryPrepared } from "../db/prepared-query";
import { getLogger } from "../logger";
import type { DispatchResult } from "./dispatcher";
import type { DomainEvent } from "./events";
import { dispatcher } from "./registry";

export type Emit = (event: DomainEvent) => void;

export interface WithEventsOptions {
  /**
   * `after-response` (default): inside a request the handlers run after the response is sent
   * (Next's `after()`), so nobody waits on an SMTP server; elsewhere they run at once.
   * `now`: the caller waits for them (the refresh sweep, which has no one waiting and must
   * not pile up work beyond its batch).
   */
  handlers?: "after-response" | "now";
}

/**
 * Runs `work` in a transaction; the events it emits are written to the outbox in that
 * transaction (both commit or neither does, so a process that dies after the commit leaves
 * them to the recovery pass), then dispatched in the order they were emitted. If `work`
 * throws, nothing is written or dispatched and the error propagates.
 */
export async function withEvents<T>(
  work: (tx: Transaction, emit: Emit) => Promise<T>,
  { handlers = "after-response" }: WithEventsOptions = {},
): Promise<T> {
  const db = await getDb();
  const emitted: DomainEvent[] = [];
  const result = await db.transaction(async (tx) => {
    const value = await work(tx, (event) => emitted.push(event));
    // Stryker disable next-line ConditionalExpression,EqualityOperator: recording no events inserts no rows; the check only saves a statement.
    if (emitted.length > 0) await recordEvent(tx, ...emitted);
    return value;
  });
  crashPoint("events:after-commit");
  // Stryker disable next-line ConditionalExpression,EqualityOperator: dispatching no events runs no handler; the check only saves the call.
  if (emitted.length > 0) await dispatchAfterCommit(emitted, handlers);
  return result;
}

/**
 * Records the event and runs its handlers now. Never throws: if the outbox cannot be written
 * the event is still dispatched (at least its log line is written) and the failure is logged
 * with the whole event, so it is never lost silently.
 */
export async function emitNow(event: DomainEvent): Promise<void> {
  try {
    await recordEventNow(event);
  } catch (error) {
    getLogger().error({ err: error, event }, "could not record the event in the outbox; dispatching it anyway");
  }
  await dispatchEvent(event);
}

async function dispatchAfterCommit(events: DomainEvent[], handlers: WithEventsOptions["handlers"]): Promise<void> {
  // Together, handler by handler (each event's handlers still in their order): the events'
  // audit rows, and then their run records, share a statement.
  const dispatchAll = async () => {
    await dispatcher.dispatchAll(events);
  };
  if (handlers === "after-response") {
    try {
      after(dispatchAll);
      return;
    } catch {
      // Not inside a request (scripts, tests, the sweep's timer): `after()` is unavailable.
    }
  }
  await dispatchAll();
}

const OUTBOX_COLUMNS = sql.raw("event_id uuid, type text, payload jsonb, created_at timestamptz");

/** Writes events to the outbox with `executor` (a transaction, or the database). Recording an event twice is a no-op. */
export async function recordEvent(executor: Executor, ...events: DomainEvent[]): Promise<void> {
  const createdAt = new Date().toISOString();
  const rows = events.map((event) => ({ event_id: event.eventId, type: event.type, payload: event, created_at: createdAt }));
  await queryPrepared(
    executor,
    sql`insert into event_outbox (event_id, type, payload, created_at)
        select event_id, type, payload, created_at from ${jsonRows(rows, OUTBOX_COLUMNS)} as r
        on conflict (event_id) do nothing`,
  );
}

/** Outside any transaction, events recorded at the same moment share one insert (group commit). */
const recordEventNow: (event: DomainEvent) => Promise<void> = groupCommit(async (events: DomainEvent[]) => {
  await recordEvent(await getDb(), ...events);
  return events.map(() => undefined);
});

/**
 * Runs the event's handlers now, in their declared order, each isolated from the others;
 * records every run and marks the outbox row processed when all succeeded. Never throws.
 * Failed handlers are retried by the recovery pass, not here, so it stays fast.
 */
export function dispatchEvent(event: DomainEvent): Promise<DispatchResult> {
  return dispatcher.dispatch(event);
}
