/**
 * Rejected requests collapsed into one audited row (lib/events/emit-collapsed.ts) are counted
 * in audit_collapsed per (user, action, 10-minute window). The timeline shows that count on
 * the run whose row was the window's first: one query for the whole page, not one per run.
 */
import { sql } from "drizzle-orm";

import { getDb, queryRows } from "../../db/client";
import { iso } from "../../db/sql-values";
import { COLLAPSE_WINDOW_SECONDS } from "../collapse-window";
import type { AuditRun } from "./list-audit-runs";

/** The audit_collapsed key a run's last row would have been counted under, if it was collapsed. */
function collapseKey(run: AuditRun): { userId: string; action: string; windowStart: Date } | null {
  const last = run.events.at(-1);
  if (!run.userId || !last) return null;
  const windowMs = COLLAPSE_WINDOW_SECONDS * 1000;
  return { userId: run.userId, action: last.action, windowStart: new Date(Math.floor(last.occurredAt.getTime() / windowMs) * windowMs) };
}

/** Per run key, how many more requests like it the window held (only runs with more than none). */
export async function collapsedRepeatsForRuns(runs: AuditRun[]): Promise<Map<string, number>> {
  const keyed = runs.flatMap((run) => {
    const key = collapseKey(run);
    return key ? [{ run, key }] : [];
  });
  const repeats = new Map<string, number>();
  if (keyed.length === 0) return repeats;
  const tuples = sql.join(
    keyed.map(({ key }) => sql`(${key.userId}, ${key.action}, ${iso(key.windowStart)}::timestamptz)`),
    sql`, `,
  );
  const rows = await queryRows<{ user_id: string; action: string; window_start: string | Date; count: number }>(
    await getDb(),
    sql`select user_id, action, window_start, count from audit_collapsed
        where (user_id, action, window_start) in (${tuples}) and count > 1`,
  );
  const counts = new Map(rows.map((r) => [`${r.user_id}|${r.action}|${new Date(r.window_start).getTime()}`, Number(r.count)]));
  for (const { run, key } of keyed) {
    const count = counts.get(`${key.userId}|${key.action}|${key.windowStart.getTime()}`);
    // The query returns only windows that counted more than the audited request.
    if (count !== undefined) repeats.set(run.key, count - 1);
  }
  return repeats;
}
