import { sql } from "drizzle-orm";

import { getDb } from "../db/client";
import { iso } from "./sql-values";
import type { DomainEvent } from "./events";
import type { HandlerRunRecord, OutboxUpdate, RunStore } from "./dispatcher";

/**
 * Persists one dispatch in a single statement: upserts the `event_handler_runs` rows and
 * moves the outbox row to its new state (processed, dead, or due again at `nextAttemptAt`).
 * The foreign key from the runs to the outbox makes a dispatch of an unrecorded event fail
 * loudly here instead of leaving runs that nothing would ever recover.
 */
export const databaseRunStore: RunStore = {
  async save(event: DomainEvent, runs: HandlerRunRecord[], outbox: OutboxUpdate) {
    const db = await getDb();
    const updatedAt = outbox.processedAt ?? outbox.deadAt ?? new Date();
    const update = sql`update event_outbox
      set processed_at = ${iso(outbox.processedAt)}::timestamptz,
          dead_at = ${iso(outbox.deadAt)}::timestamptz,
          next_attempt_at = ${iso(outbox.nextAttemptAt)}::timestamptz
      where event_id = ${event.eventId}::uuid`;
    if (runs.length === 0) {
      await db.execute(update);
      return;
    }
    const values = sql.join(
      runs.map(
        (run) => sql`(${event.eventId}::uuid, ${run.handler}::text, ${run.status}::handler_run_status,
          ${run.attempts}::integer, ${run.lastError}::text, ${iso(run.nextAttemptAt)}::timestamptz, ${iso(updatedAt)}::timestamptz)`,
      ),
      sql`, `,
    );
    await db.execute(sql`with runs as (
        insert into event_handler_runs (event_id, handler, status, attempts, last_error, next_attempt_at, updated_at)
        values ${values}
        on conflict (event_id, handler) do update set
          status = excluded.status,
          attempts = excluded.attempts,
          last_error = excluded.last_error,
          next_attempt_at = excluded.next_attempt_at,
          updated_at = excluded.updated_at
      )
      ${update}`);
  },
};
