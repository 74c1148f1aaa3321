/**
 * The recovery pass: finishes what in-process dispatch left undone. It re-runs the handlers
 * of outbox events that are not processed (the process died after the commit, or a handler
 * failed and its backoff is over) and retries due emails. Handlers are idempotent, so a
 * re-run never duplicates an audit row or an email. Called by the token-refresh cron route
 * and by `npm run events:recover`; safe to run from several processes at once (rows are
 * claimed with FOR UPDATE SKIP LOCKED and leased).
 */
import { sql } from "drizzle-orm";

import { getDb, queryRows } from "../db/client";
import { retryDueDeliveries } from "../email/email-deliveries";
import { getLogger } from "../logger";
import type { PreviousRun } from "./dispatcher";
import { parseEvent } from "./event-schemas";
import { dispatcher } from "./registry";
import { iso } from "../db/sql-values";

export interface RecoverEventsOptions {
  /** Leave younger events to the dispatch still running in their request (default 60 s). */
  olderThanMs?: number;
  /** Most events, and most emails, handled in one pass (default 200 each). */
  limit?: number;
  /** The clock (tests move it forward to make backoffs due). */
  now?: Date;
  /** A `performance.now()` value: no event or email starts after it; the rest are left for the next pass. */
  deadline?: number;
}

export interface RecoverySummary {
  /** Outbox events whose unfinished handlers were run again. */
  dispatched: number;
  /** Handler runs made in this pass. */
  handlerRetries: number;
  /** Email sends tried in this pass. */
  emailRetries: number;
  /** Work given up in this pass: handler runs marked dead, emails marked failed, unreadable outbox rows. */
  dead: number;
  emailsSent: number;
}

/** How long a pass holds the events it claimed before another pass may take them. */
const EVENT_LEASE_MS = 5 * 60_000;

export async function recoverEvents({
  olderThanMs = 60_000,
  limit = 200,
  now = new Date(),
  deadline = Infinity,
}: RecoverEventsOptions = {}): Promise<RecoverySummary> {
  const summary: RecoverySummary = { dispatched: 0, handlerRetries: 0, emailRetries: 0, dead: 0, emailsSent: 0 };
  const db = await getDb();
  const claimed = await queryRows<{ event_id: string; payload: unknown }>(
    db,
    // Replayed in the order they were emitted: by time, then by event id (UUIDv7, increasing
    // within a process), since events of one instant share created_at. RETURNING has no order
    // of its own, hence the outer select.
    sql`with claimed as (
          update event_outbox set next_attempt_at = ${iso(new Date(now.getTime() + EVENT_LEASE_MS))}::timestamptz
          where event_id in (
            select event_id from event_outbox
            where processed_at is null and dead_at is null
              and created_at <= ${iso(new Date(now.getTime() - olderThanMs))}::timestamptz
              and (next_attempt_at is null or next_attempt_at <= ${iso(now)}::timestamptz)
            order by created_at, event_id
            limit ${limit}
            for update skip locked)
          returning event_id, payload, created_at)
        select event_id, payload from claimed order by created_at, event_id`,
  );

  const previous = await previousRuns(claimed.map((row) => row.event_id));
  for (const [index, row] of claimed.entries()) {
    if (performance.now() > deadline) {
      // Out of time: give back the lease on the rest, so the next pass takes them at once.
      const rest = sql.join(claimed.slice(index).map((r) => sql`${r.event_id}::uuid`), sql`, `);
      await db.execute(sql`update event_outbox set next_attempt_at = ${iso(now)}::timestamptz where event_id in (${rest})`);
      break;
    }
    let event;
    try {
      event = parseEvent(typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload);
    } catch (error) {
      getLogger().error({ err: error, eventId: row.event_id }, "unreadable outbox event; marked dead");
      await db.execute(sql`update event_outbox set dead_at = ${iso(now)}::timestamptz where event_id = ${row.event_id}::uuid`);
      summary.dead += 1;
      continue;
    }
    const runs = previous.get(event.eventId) ?? new Map<string, PreviousRun>();
    const unfinished = dispatcher
      .handlersFor(event.type)
      .filter((handler) => runs.get(handler.name)?.status !== "succeeded" && runs.get(handler.name)?.status !== "dead");
    const result = await dispatcher.dispatch(event, { only: unfinished, previousRuns: runs, now: () => now });
    summary.dispatched += 1;
    summary.handlerRetries += result.ran.length;
    summary.dead += result.dead.length;
  }

  const emails = await retryDueDeliveries({ now, limit, deadline });
  summary.emailRetries = emails.attempted;
  summary.emailsSent = emails.sent;
  summary.dead += emails.failed;

  if (summary.dispatched + summary.emailRetries + summary.dead > 0) getLogger().info(summary, "event recovery pass");
  return summary;
}

async function previousRuns(eventIds: string[]): Promise<Map<string, Map<string, PreviousRun>>> {
  const result = new Map<string, Map<string, PreviousRun>>();
  if (eventIds.length === 0) return result;
  const db = await getDb();
  const ids = sql.join(eventIds.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await queryRows<{ event_id: string; handler: string; status: PreviousRun["status"]; attempts: number }>(
    db,
    sql`select event_id, handler, status::text as status, attempts from event_handler_runs where event_id in (${ids})`,
  );
  for (const row of rows) {
    const runs = result.get(row.event_id) ?? new Map<string, PreviousRun>();
    runs.set(row.handler, { status: row.status, attempts: Number(row.attempts) });
    result.set(row.event_id, runs);
  }
  return result;
}
