import { sql } from "drizzle-orm";

import { getDb } from "../db/client";
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
 * Persists dispatch outcomes: upserts the `event_handler_runs` rows and moves each outbox row
 * to its new state (processed, dead, or due again at `nextAttemptAt`), in one statement for
 * all the dispatches that finish together (group commit). The foreign key from the runs to
 * the outbox makes a dispatch of an unrecorded event fail loudly here.
 */
export const databaseRunStore: RunStore = {
  save: (event: DomainEvent, runs: HandlerRunRecord[], outbox: OutboxUpdate) => saveGrouped({ eventId: event.eventId, runs, outbox }),
};

const saveGrouped = groupCommit(async (outcomes: Outcome[]) => {
  const db = await getDb();
  const updates = sql.join(
    outcomes.map(
      ({ eventId, outbox }) =>
        sql`(${eventId}::uuid, ${iso(outbox.processedAt)}::timestamptz, ${iso(outbox.deadAt)}::timestamptz, ${iso(outbox.nextAttemptAt)}::timestamptz)`,
    ),
    sql`, `,
  );
  const runs = outcomes.flatMap(({ eventId, runs, outbox }) => {
    const updatedAt = iso(outbox.processedAt ?? outbox.deadAt ?? new Date());
    return runs.map(
      (run) => sql`(${eventId}::uuid, ${run.handler}::text, ${run.status}::handler_run_status, ${run.attempts}::integer,
        ${run.lastError}::text, ${iso(run.nextAttemptAt)}::timestamptz, ${updatedAt}::timestamptz)`,
    );
  });
  const insertRuns =
    runs.length === 0
      ? sql``
      : sql`runs as (
          insert into event_handler_runs (event_id, handler, status, attempts, last_error, next_attempt_at, updated_at)
          values ${sql.join(runs, sql`, `)}
          on conflict (event_id, handler) do update set
            status = excluded.status,
            attempts = excluded.attempts,
            last_error = excluded.last_error,
            next_attempt_at = excluded.next_attempt_at,
            updated_at = excluded.updated_at
        ),`;
  await db.execute(sql`with ${insertRuns}
      outcome (event_id, processed_at, dead_at, next_attempt_at) as (values ${updates})
    update event_outbox o
      set processed_at = outcome.processed_at, dead_at = outcome.dead_at, next_attempt_at = outcome.next_attempt_at
      from outcome where o.event_id = outcome.event_id`);
  return outcomes.map(() => undefined);
});
