/**
 * Runs per day by outcome, for the timeline's chart: every outcome row is the end of one run,
 * so this is a count of outcome rows per day, over the same filters as the timeline. Days are
 * the timeline's chosen zone's (UTC unless said): midnight to midnight on its clocks, so a DST
 * day is 23 or 25 hours long. Runs without an outcome are not counted (they have not ended).
 */
import { and, gt, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";

import { getDb, type Executor } from "../../db/client";
import { auditLogs } from "../../db/schema";
import { addDays, dayInZone, startOfDayInZone } from "../../zoned-days";
import { rememberedRunCounts } from "./remembered-run-counts";
import { runConditions, type RunFilter } from "./run-filter";

export interface DayCount {
  /** YYYY-MM-DD, in the chart's zone. */
  day: string;
  succeeded: number;
  failed: number;
}

export const MAX_CHART_DAYS = 366;
const UTC = "UTC";

/**
 * The chart's days: the filter's range (at most MAX_CHART_DAYS, ending at its end), else the
 * last 30 days up to today, each a day in `timeZone`.
 */
export function chartRange(
  filter: Pick<RunFilter, "start" | "end">,
  now = new Date(),
  timeZone = UTC,
): { start: Date; end: Date; days: string[] } {
  const lastDay = filter.end ? dayInZone(new Date(filter.end.getTime() - 1), timeZone) : dayInZone(now, timeZone);
  const earliest = addDays(lastDay, -(MAX_CHART_DAYS - 1));
  const fromDay = filter.start ? dayInZone(filter.start, timeZone) : addDays(lastDay, -29);
  const firstDay = fromDay < earliest ? earliest : fromDay;
  const days: string[] = [];
  for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) days.push(day);
  const start = filter.start && fromDay >= earliest ? filter.start : startOfDayInZone(firstDay, timeZone);
  return { start, end: filter.end ?? startOfDayInZone(addDays(lastDay, 1), timeZone), days };
}

export async function countRunsPerDay({
  filter,
  now,
  timeZone = UTC,
  db: given,
  remember = false,
}: {
  /** Null: a filter that matches nothing (an unknown user); the days are all zero. */
  filter: RunFilter | null;
  now?: Date;
  /** The zone whose days are counted (IANA name). */
  timeZone?: string;
  db?: Executor;
  /**
   * Keep the counts in this process and, next time, count only the rows appended since
   * (remembered-run-counts.ts): the page, where paging through one filter shows the same chart.
   */
  remember?: boolean;
}): Promise<{ start: Date; end: Date; days: DayCount[] }> {
  const range = chartRange(filter ?? {}, now, timeZone);
  const { start, end } = range;
  const days: DayCount[] = range.days.map((day) => ({ day, succeeded: 0, failed: 0 }));
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: a day counts only ended runs, so attempts count zero either way; returning early saves the query.
  if (!filter || filter.outcome === "attempted") return { start, end, days };

  const db = given ?? (await getDb());
  const rows =
    remember && !given
      ? await rememberedRunCounts(db, JSON.stringify([filter, start, end, timeZone]), (seqs) => runsPerDayQuery(db, filter, { start, end, timeZone, seqs }))
      : await runsPerDayQuery(db, filter, { start, end, timeZone });
  const index = new Map(days.map((d) => [d.day, d]));
  for (const row of rows) {
    // The bucket is the day's first instant: the day it starts is the day it counts for.
    const entry = index.get(dayInZone(new Date(Number(row.epoch) * 1000), timeZone));
    if (!entry) continue;
    if (row.outcome === "succeeded") entry.succeeded += Number(row.runs);
    if (row.outcome === "failed") entry.failed += Number(row.runs);
  }
  return { start, end, days };
}

/**
 * The chart's query (the benchmark EXPLAINs it). In UTC, date_bin on the raw timestamp is the
 * cheapest day bucket (no time-zone conversion or formatting per row); with the outcome index,
 * whose last column is the workflow, it reads the index alone. In another zone, date_trunc
 * with the zone finds each row's local midnight, DST included.
 */
export function runsPerDayQuery(
  db: Executor,
  filter: RunFilter,
  {
    start,
    end,
    timeZone = UTC,
    seqs,
  }: {
    start: Date;
    end: Date;
    timeZone?: string;
    /** Only rows with `after < seq <= upTo` (remembered-run-counts.ts). */
    seqs?: { after: number; upTo: SQL };
  },
) {
  const bucket =
    // Stryker disable next-line ConditionalExpression: date_trunc in UTC gives the same buckets; date_bin is only cheaper.
    timeZone === UTC
      ? sql`date_bin('1 day', ${auditLogs.occurredAt}, timestamptz '2000-01-01 00:00:00+00')`
      : sql`date_trunc('day', ${auditLogs.occurredAt}, ${timeZone}::text)`;
  return db
    .select({ epoch: sql<string>`extract(epoch from ${bucket})::bigint::text`, outcome: auditLogs.outcome, runs: sql<number>`count(*)::int` })
    .from(auditLogs)
    .where(
      and(
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: the anchors' condition (an outcome, or no outcome yet) adds nothing to the outcome list below.
        ...runConditions({ ...filter, start: undefined, end: undefined }, { anchors: false }),
        // Each outcome row ends one run; an outcome filter is already among runConditions.
        filter.outcome ? undefined : inArray(auditLogs.outcome, ["succeeded", "failed"]),
        gte(auditLogs.occurredAt, start),
        lt(auditLogs.occurredAt, end),
        // Stryker disable next-line ConditionalExpression,EqualityOperator: every seq is above 0, so "seq > 0" excludes nothing; leaving it out only simplifies the plan.
        seqs && seqs.after > 0 ? gt(auditLogs.seq, seqs.after) : undefined,
        seqs ? lte(auditLogs.seq, seqs.upTo) : undefined,
      ),
    )
    // By position: in another zone the bucket carries a parameter, and a parameter repeated in
    // GROUP BY is a different one to Postgres ("must appear in the GROUP BY clause").
    .groupBy(sql`1`, auditLogs.outcome);
}
