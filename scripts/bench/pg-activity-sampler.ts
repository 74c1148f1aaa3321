/**
 * Samples `pg_stat_activity` for one database while a benchmark runs: how many of the
 * app's connections are busy (`active`), holding a transaction open while waiting on
 * something else (`idle in transaction`), or free (`idle`). It uses its own connection,
 * which it leaves out of the counts.
 */
import postgres from "postgres";

export interface ActivitySummary {
  samples: number;
  /** Mean number of the database's connections in each state. */
  meanByState: Record<string, number>;
  maxConnections: number;
  /** Backend pids seen: their CPU time can be read from /proc. */
  pids: number[];
}

export function samplePgActivity({ databaseUrl, databaseName, everyMs = 20 }: { databaseUrl: string; databaseName: string; everyMs?: number }) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const totals = new Map<string, number>();
  const pids = new Set<number>();
  let samples = 0;
  let maxConnections = 0;
  let running = true;

  const loop = (async () => {
    while (running) {
      const rows = await sql<Array<{ pid: number; state: string | null }>>`
        select pid, state from pg_stat_activity where datname = ${databaseName} and pid <> pg_backend_pid()`;
      samples += 1;
      maxConnections = Math.max(maxConnections, rows.length);
      for (const { pid, state } of rows) {
        pids.add(pid);
        const key = state ?? "unknown";
        totals.set(key, (totals.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();

  return {
    /** Backends of the database right now (without the sampler's). */
    currentPids: async (): Promise<number[]> =>
      (await sql<Array<{ pid: number }>>`select pid from pg_stat_activity where datname = ${databaseName} and pid <> pg_backend_pid()`).map(
        (row) => row.pid,
      ),
    stop: async (): Promise<ActivitySummary> => {
      running = false;
      await loop;
      await sql.end();
      const meanByState: Record<string, number> = {};
      for (const [state, count] of totals) meanByState[state] = Number((count / Math.max(1, samples)).toFixed(2));
      return { samples, meanByState, maxConnections, pids: [...pids] };
    },
  };
}
