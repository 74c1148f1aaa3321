import { sql } from "drizzle-orm";

import { getDb } from "../db/client";
import { jsonRows } from "../db/json-rows";
import { queryPrepared } from "../db/prepared-query";
import type { HandlerRunRecord, OutboxUpdate, RunStore } from "./dispatcher";
import type { DomainEvent } from "./events";
import { groupCommit } from "../db/group-commit";
import { iso } from "../db/sql-values";

interface Outcome {
  eventId: string;
  runs: HandlerRunRecord[];
  outbox: OutboxUpdate;
}

/**
 * Persists dispatch outcomes: moves each outbox row to its new state (processed, dead, or due
 * again at `nextAttemptAt`) and keeps the `event_handler_runs` rows, in one statement for all
 * the dispatches that finish together (group commit).
 *
 * A run row is what the recovery pass and /admin/operations need: which handlers of an
 * unfinished event still have to run, and with how many tries behind them. An event whose
 * handlers all succeeded on their first try needs none (its outbox row says processed), so
 * that common case writes no run rows; any rows an earlier dispatch left (a retry that now
 * succeeded) are brought up to date. Any other outcome upserts every run, as recorded.
 *
 * Dispatching an event that is not in the outbox fails loudly here (it cannot be recovered).
 */
export const databaseRunStore: RunStore = {
  save: (event: DomainEvent, runs: HandlerRunRecord[], outbox: OutboxUpdate) => saveGrouped({ eventId: event.eventId, runs, outbox }),
};

/** Every receiver succeeded, each on its first try: nothing for the recovery pass or an admin to look at. */
function isCleanFirstDispatch({ runs, outbox }: Outcome): boolean {
  return outbox.processedAt !== null && runs.every((run) => run.status === "succeeded" && run.attempts === 1);
}

const RUN_COLUMNS = sql.raw(
  "event_id uuid, handler text, status handler_run_status, attempts integer, last_error text, " +
    "next_attempt_at timestamptz, updated_at timestamptz, existing_only boolean",
);
const OUTBOX_STATE_COLUMNS = sql.raw("event_id uuid, processed_at timestamptz, dead_at timestamptz, next_attempt_at timestamptz");

const saveGrouped = groupCommit(async (outcomes: Outcome[]) => {
  const outbox = outcomes.map(({ eventId, outbox: o }) => ({
    event_id: eventId,
    processed_at: iso(o.processedAt),
    dead_at: iso(o.deadAt),
    next_attempt_at: iso(o.nextAttemptAt),
  }));
  const runs = outcomes.flatMap((outcome) => {
    const updatedAt = iso(outcome.outbox.processedAt ?? outcome.outbox.deadAt ?? new Date());
    const clean = isCleanFirstDispatch(outcome);
    return outcome.runs.map((run) => ({
      event_id: outcome.eventId,
      handler: run.handler,
      status: run.status,
      attempts: run.attempts,
      last_error: run.lastError,
      next_attempt_at: iso(run.nextAttemptAt),
      updated_at: updatedAt,
      // Only existing rows are updated (no insert) for a clean first dispatch.
      existing_only: clean,
    }));
  });
  const updated = await queryPrepared<{ event_id: string }>(
    await getDb(),
    sql`with run as (select * from ${jsonRows(runs, RUN_COLUMNS, { joined: true })} as r),
        upserted as (
          insert into event_handler_runs (event_id, handler, status, attempts, last_error, next_attempt_at, updated_at)
          select event_id, handler, status, attempts, last_error, next_attempt_at, updated_at from run where not existing_only
          on conflict (event_id, handler) do update set
            status = excluded.status,
            attempts = excluded.attempts,
            last_error = excluded.last_error,
            next_attempt_at = excluded.next_attempt_at,
            updated_at = excluded.updated_at
        ),
        brought_up_to_date as (
          update event_handler_runs h
            set status = run.status, attempts = run.attempts, last_error = run.last_error,
                next_attempt_at = run.next_attempt_at, updated_at = run.updated_at
          from run where run.existing_only and h.event_id = run.event_id and h.handler = run.handler
        ),
        outcome as (select * from ${jsonRows(outbox, OUTBOX_STATE_COLUMNS, { joined: true })} as o)
      update event_outbox o
        set processed_at = outcome.processed_at, dead_at = outcome.dead_at, next_attempt_at = outcome.next_attempt_at
        from outcome where o.event_id = outcome.event_id
        returning o.event_id`,
  );
  // The run rows' foreign key used to catch this; with no run rows to write, the update says it.
  const found = new Set(updated.map((row) => String(row.event_id)));
  const missing = outcomes.filter((o) => !found.has(o.eventId));
  if (missing.length > 0) {
    throw new Error(`event ${missing.map((o) => o.eventId).join(", ")} is not in the outbox: its handler runs cannot be recorded`);
  }
  return outcomes.map(() => undefined);
});
