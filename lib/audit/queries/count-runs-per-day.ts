/**
 * Runs per day by outcome, for the timeline's chart: every outcome row is the end of one run,
 * so this is a count of outcome rows per UTC day, over the same filters as the timeline.
 * Runs without an outcome are not counted (they have not ended).
 */
import { and, gte, inArray, lt, sql } from "drizzle-orm";

import { getDb, type Executor } from "../../db/client";
import { auditLogs } from "../../db/schema";
import { runConditions, type RunFilter } from "./run-filter";

export interface DayCount {
  /** YYYY-MM-DD, UTC. */
  day: string;
  succeeded: number;
  failed: number;
}

export const MAX_CHART_DAYS = 366;
const DAY_MS = 86_400_000;

/** The chart's days: the filter's range (at most MAX_CHART_DAYS, ending at its end), else the last 30 days. */
export function chartRange(filter: Pick<RunFilter, "start" | "end">, now = new Date()): { start: Date; end: Date } {
  const end = filter.end ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
  const earliest = new Date(end.getTime() - MAX_CHART_DAYS * DAY_MS);
  const start = filter.start ? (filter.start < earliest ? earliest : filter.start) : new Date(end.getTime() - 30 * DAY_MS);
  return { start, end };
}

export async function countRunsPerDay({
  filter,
  now,
  db: given,
}: {
  /** Null: a filter that matches nothing (an unknown user); the days are all zero. */
  filter: RunFilter | null;
  now?: Date;
  db?: Executor;
}): Promise<{ start: Date; end: Date; days: DayCount[] }> {
  const { start, end } = chartRange(filter ?? {}, now);
  const days: DayCount[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += DAY_MS) {
    days.push({ day: new Date(t).toISOString().slice(0, 10), succeeded: 0, failed: 0 });
  }
  if (!filter || filter.outcome === "attempted") return { start, end, days };

  const db = given ?? (await getDb());
  const rows = await runsPerDayQuery(db, filter, { start, end });
  const index = new Map(days.map((d) => [d.day, d]));
  for (const row of rows) {
    const entry = index.get(new Date(Number(row.epoch) * 1000).toISOString().slice(0, 10));
    if (!entry) continue;
    if (row.outcome === "succeeded") entry.succeeded += Number(row.runs);
    if (row.outcome === "failed") entry.failed += Number(row.runs);
  }
  return { start, end, days };
}

/**
 * The chart's query (the benchmark EXPLAINs it). date_bin on the raw timestamp is the cheapest
 * day bucket (no time-zone conversion or formatting per row); with the outcome index, whose
 * last column is the workflow, it reads the index alone.
 */
export function runsPerDayQuery(db: Executor, filter: RunFilter, { start, end }: { start: Date; end: Date }) {
  const bucket = sql`date_bin('1 day', ${auditLogs.occurredAt}, timestamptz '2000-01-01 00:00:00+00')`;
  return db
    .select({ epoch: sql<string>`extract(epoch from ${bucket})::bigint::text`, outcome: auditLogs.outcome, runs: sql<number>`count(*)::int` })
    .from(auditLogs)
    .where(
      and(
        ...runConditions({ ...filter, start: undefined, end: undefined }, { anchors: false }),
        inArray(auditLogs.outcome, filter.outcome && filter.outcome !== "attempted" ? [filter.outcome] : ["succeeded", "failed"]),
        gte(auditLogs.occurredAt, start),
        lt(auditLogs.occurredAt, end),
      ),
    )
    .groupBy(bucket, auditLogs.outcome);
}
