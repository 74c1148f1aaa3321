/**
 * `npm run bench:audit [-- --rows 1000000 --iterations 60 --server postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * The admin timeline and the export on a large log. Creates a throwaway Postgres database
 * (dropped at the end, also on failure), applies the migrations, fills `audit_logs` with
 * `--rows` rows in one SQL statement (a year of runs: 85% scheduled refreshes, 10% connects,
 * 5% disconnects, 5% failures, a few runs without an outcome, 2,000 people, six providers),
 * VACUUM ANALYZEs it like autovacuum would, then measures with the app's own query code:
 *
 * - the timeline's page data (anchors + the runs' rows + people + emails: what one page load
 *   reads) for the first page, page 1,000 by cursor, page 1,000 by OFFSET (for comparison),
 *   one user, one provider over 30 days, failures only — median and p95;
 * - the chart's per-day counts over 30 days;
 * - the export of every row (CSV through the same ReadableStream the route returns):
 *   rows per second and peak memory;
 * - EXPLAIN (ANALYZE) of each view's anchor query, and which index it used.
 *
 * First, the full chain walk (`verifyAuditChain`, what the admin badge and `audit:verify` run):
 * `--walk-rows` rows appended through the real writer (`audit_logs_append`), then re-hashed from
 * the first row `--walk-runs` times (median wall and CPU time per million rows) and the peak
 * memory, each walk followed by one over row objects (`rowsAs: "objects"`, the walk before the
 * COPY path) for comparison under the same load; `--walk-profile F` then profiles one more
 * COPY walk (V8 CPU profile in F, summed up by place and function). `--only walk` stops there.
 * The million rows of the fill that follows carry placeholder hashes: only reading is measured.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import postgres from "postgres";

import { auditFillSql } from "./audit-seed";
import { startCpuProfile } from "./cpu-profile";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    iterations: { type: "string", default: "60" },
    server: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    "keep-database": { type: "boolean", default: false },
    /** Rows appended through the real chain writer, then re-hashed by the full walk. */
    "walk-rows": { type: "string", default: "200000" },
    /** How many times the walk runs over the same rows (medians are reported). */
    "walk-runs": { type: "string", default: "5" },
    /** A file for a CPU profile of the COPY walks (node:inspector), summed up at the end of the walk. */
    "walk-profile": { type: "string" },
    /** `walk`: only the chain walk (skips the million-row fill and the timeline). */
    only: { type: "string" },
  },
});
const ROWS = Number(args.rows);
const ITERATIONS = Number(args.iterations);
const PAGE = 50;

const databaseName = `ledgerlink_bench_audit_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const serverUrl = new URL(args.server);
const databaseUrl = new URL(args.server);
databaseUrl.pathname = `/${databaseName}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ledgerlink-bench-audit-"));
const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });

// Before the app's modules load: the environment is read once, on first use.
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl.toString(),
  DATA_DIR: dataDir,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  CRON_SECRET: randomBytes(32).toString("base64url"),
  TOKEN_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  AUDIT_SIGNING_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  SANDBOX_BANK: "on",
  LOG_LEVEL: "warn",
});

const fmt = (n: number) => Number(n.toFixed(2));
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
async function time(fn: () => Promise<unknown>): Promise<{ medianMs: number; p95Ms: number; maxMs: number }> {
  for (let i = 0; i < 5; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: fmt(percentile(samples, 50)), p95Ms: fmt(percentile(samples, 95)), maxMs: fmt(samples.at(-1)!) };
}



async function main() {
  await admin.unsafe(`create database "${databaseName}"`);
  console.log(`database ${databaseName} created on ${serverUrl.host}`);
  const { closeDb, getDb, queryRows } = await import("../../lib/db/client");
  const { migrateDatabase } = await import("../../lib/db/migrate");
  const { sql } = await import("drizzle-orm");
  const { listAuditRuns, loadRuns } = await import("../../lib/audit/queries/list-audit-runs");
  const { anchorQuery, anchorCursor, findAnchors } = await import("../../lib/audit/queries/audit-anchors");
  const { decodeCursor } = await import("../../lib/audit/queries/audit-cursor");
  const { DOMAIN_WORKFLOWS } = await import("../../lib/audit/queries/run-filter");
  const { countRunsPerDay } = await import("../../lib/audit/queries/count-runs-per-day");
  const { auditExportStream } = await import("../../lib/audit/queries/export-audit-log");
  type RunFilter = import("../../lib/audit/queries/run-filter").RunFilter;

  try {
    await migrateDatabase();
    const db = await getDb();
    const walk = await benchWalk(Number(args["walk-rows"]));
    console.log("full chain walk:");
    console.table({ walk });
    if (args.only === "walk") {
      console.log(JSON.stringify({ walk }));
      return;
    }
    const direct = postgres(databaseUrl.toString(), { max: 1, onnotice: () => {} });
    let t0 = performance.now();
    // Roughly two rows per run; a few runs have no outcome row.
    await direct.unsafe(`select setseed(0.42)`);
    await direct.unsafe(auditFillSql(Math.round(ROWS / 1.995) - 100));
    // Admins reading the log now and then: rare rows in a big table.
    await direct.unsafe(`insert into audit_logs (event_id, event_type, action, outcome, workflow, actor_type, actor_user_id, user_id,
        provider_id, provider_slug, correlation_id, occurred_at, recorded_at, metadata, prev_hash, hash)
      select gen_random_uuid(), 'AuditLogViewed', 'audit_log_viewed', 'succeeded', 'admin', 'user', 'bench-admin', 'bench-admin',
        'ledgerlink', 'ledgerlink', gen_random_uuid(), now() - g * interval '3 days', now() - g * interval '3 days',
        '{"requestId": null, "filters": {}}', md5(g::text), md5(g::text || 'h')
      from generate_series(1, 200) g`);
    const fillSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await direct.unsafe("vacuum analyze audit_logs");
    const [{ rows, size }] = (await direct`select count(*)::int as rows, pg_size_pretty(pg_total_relation_size('audit_logs')) as size from audit_logs`) as unknown as [
      { rows: number; size: string },
    ];
    console.log(`filled ${rows.toLocaleString("en")} rows in ${fillSeconds.toFixed(1)} s, vacuum analyze ${((performance.now() - t0) / 1000).toFixed(1)} s; table + indexes ${size}`);
    await direct.end();

    const [busiest] = await queryRows<{ user_id: string; n: number }>(db, sql`select user_id, count(*)::int as n from audit_logs where workflow <> 'admin' group by 1 order by 2 desc limit 1`);
    const now = new Date();
    const views: { name: string; filter: RunFilter; cursor?: string; offset?: number }[] = [];
    const domain = { workflows: DOMAIN_WORKFLOWS };
    // Page 1,000 (or, on a small sample, the deepest page that surely exists).
    const deepPage = Math.max(2, Math.min(1_000, Math.floor(ROWS / 2.2 / PAGE)));
    const [deep] = await findAnchors(db, { filter: domain, direction: "older", limit: 1, offset: (deepPage - 1) * PAGE - 1 });
    views.push({ name: "first page", filter: domain });
    views.push({ name: `page ${deepPage.toLocaleString("en")} by cursor`, filter: domain, cursor: anchorCursor(deep!) });
    views.push({ name: `page ${deepPage.toLocaleString("en")} by OFFSET`, filter: domain, offset: (deepPage - 1) * PAGE });
    views.push({ name: `one user (${busiest!.n} rows)`, filter: { ...domain, userId: busiest!.user_id } });
    views.push({ name: "one provider, last 30 days", filter: { ...domain, providerSlug: "acme-bank", start: new Date(now.getTime() - 30 * 86_400_000), end: now } });
    views.push({ name: "failures only", filter: { ...domain, outcome: "failed" } });
    views.push({ name: "workflow: disconnect", filter: { workflows: ["disconnect"] } });
    views.push({ name: "audit log access (rare rows)", filter: { workflows: ["admin"] } });

    const results: Record<string, unknown>[] = [];
    for (const view of views) {
      const page = () =>
        view.offset !== undefined
          ? anchorQuery(db, { filter: view.filter, direction: "older", limit: PAGE + 1, offset: view.offset }).then((anchors) =>
              loadRuns(db, anchors.slice(0, PAGE).map((a) => ({ seq: Number(a.seq), correlationId: a.correlationId, occurredUs: String(a.occurredUs) }))),
            )
          : listAuditRuns({ filter: view.filter, older: view.cursor, pageSize: PAGE, db });
      const anchorsOnly = () =>
        anchorQuery(db, { filter: view.filter, direction: "older", limit: PAGE + 1, offset: view.offset, cursor: decodeCursor(view.cursor) });
      const runs = await page();
      const pageTiming = await time(page);
      const anchorTiming = await time(anchorsOnly);
      const plan = await queryRows<{ "QUERY PLAN": string }>(db, sql`explain (analyze, buffers) ${anchorsOnly()}`);
      const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
      const indexes = indexesIn(text);
      results.push({
        view: view.name,
        runs: Array.isArray(runs) ? runs.length : runs.runs.length,
        "page median ms": pageTiming.medianMs,
        "page p95 ms": pageTiming.p95Ms,
        "anchors median ms": anchorTiming.medianMs,
        "anchors p95 ms": anchorTiming.p95Ms,
        "index used": indexes.join(", ") || "none",
        "seq scan": /Seq Scan on audit_logs/.test(text) ? "YES" : "no",
      });
      console.log(`\n── EXPLAIN ANALYZE: ${view.name}\n${text}`);
    }

    const chart = await time(() => countRunsPerDay({ filter: domain, db }));
    const { runsPerDayQuery, chartRange } = await import("../../lib/audit/queries/count-runs-per-day");
    const chartPlan = await queryRows<{ "QUERY PLAN": string }>(db, sql`explain (analyze, buffers) ${runsPerDayQuery(db, domain, chartRange({}))}`);
    const chartIndexes = indexesIn(chartPlan.map((r) => r["QUERY PLAN"]).join("\n"));
    console.log(`\n── EXPLAIN ANALYZE: chart, last 30 days\n${chartPlan.map((r) => r["QUERY PLAN"]).join("\n")}`);

    // The export of every row, through the stream the route returns.
    global.gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 50);
    t0 = performance.now();
    const reader = auditExportStream({ filter: {}, format: "csv", db }).getReader();
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines += 1;
    }
    clearInterval(sampler);
    const exportSeconds = (performance.now() - t0) / 1000;
    const exportRows = lines - 1;
    const exported = {
      rows: exportRows,
      complete: exportRows === rows ? "yes" : `NO (${rows} in the table)`,
      seconds: fmt(exportSeconds),
      rowsPerSecond: Math.round(exportRows / exportSeconds),
      megabytes: fmt(bytes / 1e6),
      baselineRssMB: fmt(baseline.rss / 1e6),
      peakRssMB: fmt(peakRss / 1e6),
      peakHeapUsedMB: fmt(peakHeap / 1e6),
    };

    console.log(`\ntimeline (${ITERATIONS} runs each after 5 warm-ups; page = anchors + rows + people + emails, ${PAGE} runs):`);
    console.table(results);
    console.log("chart (runs per day by outcome, last 30 days):");
    console.table({ chart: { ...chart, "index used": chartIndexes.join(", "), "index-only": chartPlan.some((r) => r["QUERY PLAN"].includes("Index Only Scan")) ? "yes" : "no" } });
    console.log("export of the whole log (CSV stream):");
    console.table({ export: exported });
    console.log("full chain walk (before the fill):");
    console.table({ walk });
    console.log(JSON.stringify({ rows, walk, timeline: results, chart, export: exported }));
    if (exportRows !== rows) process.exitCode = 1;
  } finally {
    await closeDb();
  }
}

/** Appends `count` rows through the app's writer (group commit, 64 per call), then walks the whole chain. */
async function benchWalk(count: number) {
  const { appendAuditLog } = await import("../../lib/audit/append-audit-log");
  const { verifyAuditChain } = await import("../../lib/audit/verify-chain");
  const { randomUUID } = await import("node:crypto");
  let t0 = performance.now();
  const start = Date.now() - count * 1000;
  for (let done = 0; done < count; ) {
    const batch = Math.min(2_000, count - done);
    await Promise.all(
      Array.from({ length: batch }, (_, i) => {
        const n = done + i;
        const failed = n % 20 === 0;
        return appendAuditLog({
          eventId: randomUUID(),
          eventType: failed ? "ProviderTokenRefreshFailed" : "ProviderTokenRefreshSucceeded",
          action: failed ? "provider_token_refresh_failed" : "provider_token_refreshed",
          outcome: failed ? "failed" : "succeeded",
          workflow: "refresh",
          actorType: n % 7 === 0 ? "user" : "system",
          actorUserId: n % 7 === 0 ? `bench-user-${n % 2000}` : null,
          userId: `bench-user-${n % 2000}`,
          providerId: "sandbox-bank",
          providerSlug: "sandbox-bank",
          connectionId: randomUUID(),
          reason: failed ? "network_error" : null,
          needsUserAction: failed ? false : null,
          correlationId: randomUUID(),
          ipAddress: n % 7 === 0 ? `203.0.113.${n % 250}` : null,
          userAgent: n % 7 === 0 ? "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" : null,
          occurredAt: new Date(start + n * 1000),
          recordedAt: new Date(start + n * 1000 + 5),
          metadata: failed
            ? { providerName: "Sandbox Bank", requestId: null, reasonText: "The bank could not be reached." }
            : { providerName: "Sandbox Bank", requestId: null },
        });
      }),
    );
    done += batch;
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  // Wall time and this process's CPU time (user + system: the hashing, parsing and driver work;
  // the database's own work is in another process), each walk over the same rows. Interleaved
  // with a walk over row objects (the walk before the COPY path, in batches of 10,000 as it
  // was), so both see the same load. Peak RSS is sampled for each kind of walk on its own.
  const walked = {
    copy: { wall: [] as number[], cpu: [] as number[], peakRss: baselineRss },
    objects: { wall: [] as number[], cpu: [] as number[], peakRss: baselineRss },
  };
  let walking: keyof typeof walked = "copy";
  const sampler = setInterval(() => {
    walked[walking].peakRss = Math.max(walked[walking].peakRss, process.memoryUsage().rss);
  }, 20);
  for (let i = 0; i < Number(args["walk-runs"]); i++) {
    for (const rowsAs of ["copy", "objects"] as const) {
      // With --expose-gc, neither walk pays for the other's garbage.
      global.gc?.();
      walking = rowsAs;
      t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = await verifyAuditChain(rowsAs === "copy" ? {} : { rowsAs, batchSize: 10_000 });
      const used = process.cpuUsage(cpu0);
      walked[rowsAs].wall.push(performance.now() - t0);
      walked[rowsAs].cpu.push((used.user + used.system) / 1000);
      if (!result.ok || result.rows !== count) throw new Error(`the walk did not verify ${count} rows: ${JSON.stringify(result)}`);
    }
  }
  clearInterval(sampler);
  if (args["walk-profile"]) {
    // One more COPY walk, under the profiler (it slows what it watches: not in the figures above).
    global.gc?.();
    const profile = await startCpuProfile(args["walk-profile"]);
    await verifyAuditChain();
    const profiled = await profile.stop();
    console.log(`CPU profile of one more COPY walk (${args["walk-profile"]}), share of samples:`);
    console.table(profiled.byPlace);
    console.table(profiled.byFunction);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const perMillion = (ms: number) => fmt(((ms / count) * 1_000_000) / 1000);
  return {
    rows: count,
    appendSeconds: fmt(appendSeconds),
    walks: walked.copy.wall.length,
    walkMs: Math.round(median(walked.copy.wall)),
    secondsPerMillionRows: perMillion(median(walked.copy.wall)),
    cpuSecondsPerMillionRows: perMillion(median(walked.copy.cpu)),
    objectsSecondsPerMillionRows: perMillion(median(walked.objects.wall)),
    objectsCpuSecondsPerMillionRows: perMillion(median(walked.objects.cpu)),
    baselineRssMB: fmt(baselineRss / 1e6),
    peakRssMB: fmt(walked.copy.peakRss / 1e6),
    objectsPeakRssMB: fmt(walked.objects.peakRss / 1e6),
  };
}

function indexesIn(plan: string): string[] {
  return [...new Set([...plan.matchAll(/Index (?:Only )?Scan(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)/g)].map((m) => m[1] ?? m[2]!))];
}

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
});

try {
  await main();
} finally {
  if (!args["keep-database"]) await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`database ${databaseName} ${args["keep-database"] ? "kept" : "dropped"}${interrupted ? " (interrupted)" : ""}`);
}
