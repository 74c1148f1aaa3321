/**
 * The chart's counts, kept per process and brought up to date by counting only what was appended.
 *
 * audit_logs is append-only and appended in `seq` order under one lock held to commit
 * (`audit_logs_append`), so a snapshot that sees row N sees every row before it: the counts of
 * the rows up to the head a count saw never change. Each filter, zone and range keeps those
 * counts with that head; the next count reads only rows after it (a range of the primary key)
 * and the new head, in one statement (one snapshot). A head lower than the one kept (a restore
 * from backup) starts over. Rows an owner deleted with the triggers off stay counted until the
 * process restarts; the integrity line is what reports such a deletion.
 */
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

import { queryRows, type Executor } from "../../db/client";

interface CountRow {
  epoch: string;
  outcome: string;
  runs: number;
}

interface Kept {
  head: number;
  /** `epoch|outcome` → runs. */
  counts: Map<string, number>;
}

/** Filters × zones × ranges kept at once; the least recently used goes first. */
const MAX_KEPT = 200;
const kept = new Map<string, Kept>();

const HEAD = sql`(select coalesce(max(seq), 0) from audit_logs)`;

/**
 * `count` is the counting query (epoch, outcome, runs) for the rows with `after < seq <= upTo`;
 * `key` names what it counts (filter, zone, range): equal keys, equal queries.
 */
export async function rememberedRunCounts(
  db: Executor,
  key: string,
  count: (seqs: { after: number; upTo: SQL }) => SQLWrapper,
): Promise<CountRow[]> {
  const known = kept.get(key);
  const after = known?.head ?? 0;
  const query = count({ after, upTo: HEAD });
  const rows = await queryRows<{ epoch: string | null; outcome: string | null; runs: number | null; head: string | null }>(
    db,
    // The counting query's columns by position: drizzle names them only when it maps the rows itself.
    sql`select epoch, outcome::text as outcome, runs, null::text as head from (${query}) counted(epoch, outcome, runs)
        union all select null, null, null, ${HEAD}::text`,
  );
  const head = Number(rows.find((row) => row.head !== null)?.head ?? 0);
  if (known && head < known.head) {
    kept.delete(key);
    return rememberedRunCounts(db, key, count);
  }
  // A new map: another view may be adding its own rows to the same kept counts right now.
  const counts = new Map(known?.counts);
  for (const row of rows) {
    if (row.head !== null) continue;
    const at = `${row.epoch}|${row.outcome}`;
    counts.set(at, (counts.get(at) ?? 0) + Number(row.runs));
  }
  kept.delete(key);
  kept.set(key, { head, counts });
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  return [...counts].map(([at, runs]) => {
    const [epoch, outcome] = at.split("|") as [string, string];
    return { epoch, outcome, runs };
  });
}

/** Forget every kept count (tests). */
export function forgetRememberedRunCounts(): void {
  kept.clear();
}
