/**
 * `npm run bench:pages [-- --rows 1000000,10000000 --duration 10 --connections 4 --cpu-prof]`
 *
 * Issue 13's page aims: whole HTTP responses from `next start` under load — the admin audit
 * timeline (first page, page 1,000 by cursor, one user, one provider over the last 30 days,
 * failures only), /connections for a user with 10 connections, and /signin (no database read:
 * what Next itself costs per page, the floor under the aims) — measured with autocannon at
 * `--connections` (4) for `--duration` seconds per view after a short warm-up.
 *
 * The app is a production build (`next build` into `.next-bench-<port base>`, reused with
 * BENCH_SKIP_BUILD=1) on BENCH_PORT_BASE (default 3500), against a throwaway Postgres database
 * created here and dropped at the end, also on failure. For each size in `--rows` the audit
 * log is emptied and refilled in one statement (scripts/bench/audit-seed.ts: indexes rebuilt
 * after, then VACUUM ANALYZE), and every view is measured again. Sessions are Auth.js
 * database sessions — a `sessions` row and the `authjs.session-token` cookie — for an admin
 * (ADMIN_EMAILS) and for a user with 10 active connections.
 *
 * Each view of /admin/audit records an access row in the log (intended: a view is audited).
 * The seeded log is a valid hash chain with a signed checkpoint of its head, as a deployment's
 * is, and the app runs with the production AUDIT_FULL_WALK_SECONDS (not the end-to-end suite's
 * 0): the first view re-hashes the whole chain (its time is printed: the cold cost), later
 * views only the rows appended since. The benchmark stops if the page does not say "Hash
 * chain verified".
 *
 * Also reported per view: CPU milliseconds per request of the Next server and of the
 * Postgres backends (from /proc), the inputs of docs/CAPACITY.md; the response's size; and the
 * bytes per audit row. With `--cpu-prof` the server runs under `node --cpu-prof` and each view's
 * measured stretch of the profile is summed up by place and by function (the profiles stay in
 * `.bench/pages-profile/` for Chrome DevTools or speedscope).
 * Writes `.bench/pages.json`; the server's output goes to `.bench/pages-server.log`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import autocannon from "autocannon";
import postgres from "postgres";

import { seedAuditLog, type SeedReport } from "./audit-seed";
import { summariseProfile, type Profile, type ProfileSummary } from "./cpu-profile";
import { machineBusyCpuSeconds, processCpuSeconds } from "./cpu-usage";
import { buildApp, hasBuild, startApp, type RunningApp } from "./next-server";
import { writeBenchResult } from "./result-file";
import { percentile } from "./stats";
import { createThrowawayDatabase } from "./throwaway-database";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "4" },
    "cpu-prof": { type: "boolean", default: false },
    server: { type: "string", default: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const SIZES = args.rows.split(",").map((s) => Number(s.replaceAll("_", "")));
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3500);
const SKIP_BUILD = process.env.BENCH_SKIP_BUILD === "1";
const CPU_PROF = args["cpu-prof"];
const PROFILE_DIR = path.resolve(".bench", "pages-profile");
if (!SIZES.every((n) => Number.isInteger(n) && n >= 1_000) || ![DURATION, WARMUP, CONNECTIONS, PORT_BASE].every((n) => Number.isInteger(n) && n >= 0)) {
  throw new Error("--rows takes whole numbers ≥ 1000 (comma-separated); --duration, --warmup, --connections and BENCH_PORT_BASE whole numbers");
}
const AIMS_MS = { timeline: 50, connections: 30 } as const;

process.env.E2E_PORT_BASE = String(PORT_BASE);
const { e2eEnv, e2eAdminEmail, E2E_PORTS } = await import("../../e2e/support/e2e-env");
const distDir = process.env.BENCH_DIST_DIR ?? (PORT_BASE === 3500 ? ".next-bench" : `.next-bench-${PORT_BASE}`);
const APP_URL = e2eEnv.APP_URL;

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.log("\ninterrupted: stopping after the current view");
});

interface ViewResult {
  view: string;
  path: string;
  /** null: measured for comparison, no aim of its own. */
  aimMs: number | null;
  requests: number;
  non2xx: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meetsAim: boolean | null;
  nodeCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  machineBusyCores: number | null;
  /** The one-minute load average as the view's measurement began. */
  loadAverage: number;
  /** Bytes of the page's HTML (as autocannon asks for it: not compressed). */
  responseBytes: number;
  /** Wall time of the view's first request, before any warm-up (the first view also walks the whole chain). */
  firstRequestMs: number;
  /** With --cpu-prof: where the server's CPU went while this view was measured. */
  cpuProfile?: ProfileSummary;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/**
 * CPU spent between two readings of per-backend CPU: a backend in both counts its difference,
 * one that appeared counts whole. One that closed in between is lost (under-counted, never negative).
 */
function cpuSpentSince(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}
const PART_CALLS = 10;
// autocannon's default (10 s) drops a slow page as an error; a slow page should be measured.
const TIMEOUT_SECONDS = 60;

interface PartCost {
  part: string;
  nodeCpuMsPerCall: number;
  wallMedianMs: number;
}

/** One autocannon run; every 2xx response's own time kept (autocannon's summary has no p95). */
function load(options: autocannon.Options): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(options, (error: Error | null, result: autocannon.Result) => (error ? reject(error) : resolve({ result, latencies })));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

const database = await createThrowawayDatabase({ serverUrl: args.server, label: "pages" });
console.log(`database ${database.name} created`);
Object.assign(process.env, e2eEnv, { DATABASE_URL: database.url, NEXT_DIST_DIR: distDir, LOG_LEVEL: "warn" });
// The end-to-end roles and database are not this run's (the app and the seed use the throwaway
// database as its owner), and the suite's AUDIT_FULL_WALK_SECONDS=0 (a full walk on every view)
// is not what a deployment runs: its default applies.
delete process.env.DATABASE_MIGRATION_URL;
delete process.env.AUDIT_FULL_WALK_SECONDS;

const cleanups: Array<() => Promise<unknown>> = [];
try {
  const { closeDb, getDb } = await import("../../lib/db/client");
  const { migrateDatabase } = await import("../../lib/db/migrate");
  cleanups.push(closeDb);
  await migrateDatabase();
  const direct = postgres(database.url, { max: 1, onnotice: () => {} });
  cleanups.push(() => direct.end());

  let buildSeconds: number | null = null;
  if (SKIP_BUILD) {
    if (!hasBuild(distDir)) throw new Error(`BENCH_SKIP_BUILD=1 but ${distDir} holds no build: run once without it`);
    console.log(`reusing the build in ${distDir}`);
  } else {
    console.log(`next build into ${distDir} …`);
    buildSeconds = round(buildApp(), 1);
  }

  // People the seeded log names (so "one user" resolves an email), the admin, and a user with 10 connections.
  const { sessions, users, providerConnections } = await import("../../lib/db/schema");
  const db = await getDb();
  await direct.unsafe(`insert into users (id, email, name)
    select 'bench-user-' || u, 'bench-user-' || u || '@bench.ledgerlink.test', 'Bench User ' || u from generate_series(0, 1999) u`);
  const adminId = randomUUID();
  const ownerId = randomUUID();
  await db.insert(users).values([
    { id: adminId, email: e2eAdminEmail, name: "Bench Admin" },
    { id: ownerId, email: `bench-owner-${randomBytes(3).toString("hex")}@bench.ledgerlink.test`, name: "Bench Owner" },
  ]);
  const expires = new Date(Date.now() + 24 * 3600 * 1000);
  const adminToken = randomBytes(32).toString("hex");
  const ownerToken = randomBytes(32).toString("hex");
  await db.insert(sessions).values([
    { sessionToken: adminToken, userId: adminId, expires },
    { sessionToken: ownerToken, userId: ownerId, expires },
  ]);
  const now = Date.now();
  await db.insert(providerConnections).values(
    Array.from({ length: 10 }, (_, i) => ({
      id: randomUUID(),
      userId: ownerId,
      providerSlug: "sandbox-bank",
      alias: `Account ${i + 1}`,
      status: "active" as const,
      tokenType: "Bearer",
      scope: "accounts:read",
      accessTokenExpiresAt: new Date(now + 3600_000),
      refreshTokenExpiresAt: new Date(now + 90 * 86_400_000),
      connectedAt: new Date(now - (i + 1) * 86_400_000),
      lastRefreshedAt: new Date(now - 600_000),
    })),
  );
  // Over plain http Auth.js names the cookie without the __Secure- prefix.
  const adminCookie = `authjs.session-token=${adminToken}`;
  const ownerCookie = `authjs.session-token=${ownerToken}`;

  const { anchorCursor, findAnchors } = await import("../../lib/audit/queries/audit-anchors");
  const { DOMAIN_WORKFLOWS } = await import("../../lib/audit/queries/run-filter");
  const { hrefWith } = await import("../../lib/audit/queries/audit-filters");

  const { auditChainStatus } = await import("../../lib/audit/chain-status");
  const { createAuditCheckpoint } = await import("../../lib/audit/checkpoints/create-checkpoint");
  const { listAuditRuns } = await import("../../lib/audit/queries/list-audit-runs");
  const { countRunsPerDay } = await import("../../lib/audit/queries/count-runs-per-day");
  const { listAuditProviders } = await import("../../lib/audit/queries/list-audit-providers");
  const { recordAuditAccess } = await import("../../lib/audit/record-audit-access");
  /**
   * Where a timeline page's time goes: each part of app/admin/audit/page.tsx called here, the
   * same code the server runs, with this process's CPU per call. What the page costs beyond
   * their sum is rendering (React, the RSC payload) and the session check: `--cpu-prof` shows it.
   * The chart is its whole 30-day count, which the page does once per filter (it keeps the counts).
   */
  const pageParts = async (adminId: string): Promise<PartCost[]> => {
    const filter = { workflows: DOMAIN_WORKFLOWS };
    const parts: Array<[string, () => Promise<unknown>]> = [
      ["integrity line (auditChainStatus)", () => auditChainStatus()],
      ["runs (listAuditRuns, 50)", () => listAuditRuns({ filter })],
      ["chart, counted whole (countRunsPerDay)", () => countRunsPerDay({ filter })],
      ["provider list (listAuditProviders)", () => listAuditProviders()],
      ["access row (recordAuditAccess)", () => recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId, filters: {}, headers: new Headers() })],
    ];
    const costs: PartCost[] = [];
    for (const [part, call] of parts) {
      for (let i = 0; i < 2; i++) await call();
      const walls: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < PART_CALLS; i++) {
        const t0 = performance.now();
        await call();
        walls.push(performance.now() - t0);
      }
      const cpu = process.cpuUsage(cpu0);
      walls.sort((a, b) => a - b);
      costs.push({ part, nodeCpuMsPerCall: round((cpu.user + cpu.system) / 1000 / PART_CALLS), wallMedianMs: round(percentile(walls, 50)) });
    }
    return costs;
  };

  /** CPU seconds so far of each Postgres backend serving the bench database (the pool opens and closes them). */
  const backendCpuSeconds = async (): Promise<Map<number, number>> => {
    const rows = await direct<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database.name} and pid <> pg_backend_pid()`;
    return new Map(rows.flatMap(({ pid }) => [[pid, processCpuSeconds(pid)] as const].filter((e): e is [number, number] => e[1] !== null)));
  };

  mkdirSync(".bench", { recursive: true });
  let app: RunningApp | null = null;
  const stopApp = async () => {
    await app?.stop();
    app = null;
  };
  cleanups.push(stopApp);

  const sizes: Array<{ requestedRows: number; seed: SeedReport; bytesPerRow: number; chainLine: string; views: ViewResult[]; breakdown: PartCost[] }> = [];
  for (const requestedRows of SIZES) {
    if (interrupted) break;
    await stopApp();
    // A throwaway database: its append-only log may be emptied between sizes.
    await direct.unsafe("alter table audit_logs disable trigger audit_logs_no_truncate");
    await direct.unsafe("truncate audit_logs restart identity");
    await direct.unsafe("alter table audit_logs enable trigger audit_logs_no_truncate");
    await direct.unsafe("delete from audit_checkpoints");
    console.log(`\nseeding ${requestedRows.toLocaleString("en")} audit rows …`);
    const seed = await seedAuditLog(direct, requestedRows);
    const bytesPerRow = round(seed.totalBytes / seed.rows, 1);
    console.log(
      `${seed.rows.toLocaleString("en")} rows: fill ${seed.fillSeconds} s, indexes ${seed.indexSeconds} s, vacuum analyze ${seed.vacuumAnalyzeSeconds} s; ` +
        `${(seed.totalBytes / 1e9).toFixed(2)} GB with indexes (heap ${(seed.heapBytes / 1e9).toFixed(2)}, indexes ${(seed.indexBytes / 1e9).toFixed(2)}) = ${bytesPerRow} B/row`,
    );
    // As the sweep does on every run: a signed checkpoint of the head, which every view checks.
    await createAuditCheckpoint({ reason: "manual" });

    const [busiest] = await direct<{ user_id: string; n: number }[]>`
      select user_id, count(*)::int as n from audit_logs where workflow <> 'admin' group by 1 order by 2 desc limit 1`;
    const deepPage = Math.max(2, Math.min(1_000, Math.floor(requestedRows / 2.2 / 50)));
    const [deep] = await findAnchors(db, { filter: { workflows: DOMAIN_WORKFLOWS }, direction: "older", limit: 1, offset: (deepPage - 1) * 50 - 1 });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const views = [
      { view: "audit: first page", path: "/admin/audit", cookie: adminCookie, aimMs: AIMS_MS.timeline },
      { view: `audit: page ${deepPage} by cursor`, path: hrefWith("/admin/audit", {}, { older: anchorCursor(deep!) }), cookie: adminCookie, aimMs: AIMS_MS.timeline },
      { view: `audit: one user (${busiest!.n} rows)`, path: hrefWith("/admin/audit", { user: `${busiest!.user_id}@bench.ledgerlink.test` }), cookie: adminCookie, aimMs: AIMS_MS.timeline },
      {
        view: "audit: one provider, 30 days",
        path: hrefWith("/admin/audit", { provider: "acme-bank", from: day(Date.now() - 30 * 86_400_000), to: day(Date.now()) }),
        cookie: adminCookie,
        aimMs: AIMS_MS.timeline,
      },
      { view: "audit: failures only", path: hrefWith("/admin/audit", { outcome: "failed" }), cookie: adminCookie, aimMs: AIMS_MS.timeline },
      { view: "/connections (10 connections)", path: "/connections", cookie: ownerCookie, aimMs: AIMS_MS.connections },
      // The floor under every page: a 10 KB page with no database read, through the same proxy and layout.
      { view: "/signin (no database read: the floor)", path: "/signin", cookie: "", aimMs: null },
    ];

    if (CPU_PROF) rmSync(PROFILE_DIR, { recursive: true, force: true });
    const nodeArgs = CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR] : [];
    const started = await startApp({ port: E2E_PORTS.app, appUrl: APP_URL, logFile: path.join(".bench", "pages-server.log"), nodeArgs });
    app = started;
    const serverPid = started.pid!;
    console.log(`app on ${APP_URL} (build ${distDir}, pid ${serverPid})`);

    // Each view once, checked: a 200 with the content it should show, not a sign-in redirect or an
    // empty list, and a verified chain. The first audit view walks the whole chain: its time is the cold cost.
    let chainLine = "";
    const firstRequest = new Map<string, { ms: number; bytes: number }>();
    for (const view of views) {
      const t0 = performance.now();
      const response = await fetch(`${APP_URL}${view.path}`, { headers: { cookie: view.cookie, "accept-encoding": "identity" }, redirect: "manual" });
      const html = await response.text();
      firstRequest.set(view.view, { ms: round(performance.now() - t0, 1), bytes: Buffer.byteLength(html) });
      if (response.status !== 200) throw new Error(`${view.view}: ${view.path} answered ${response.status}`);
      if (view.path.startsWith("/admin/audit")) {
        if (!html.includes("Audit timeline") || html.includes("No runs match") || html.includes("No user has")) throw new Error(`${view.view}: no runs shown`);
        const markup = html.replace(/<script[\s\S]*?<\/script>/g, "");
        const line = />([^<]*(?:Hash chain verified|Audit log broken)[\s\S]*?)<\/p>/.exec(markup)?.[1]?.replace(/<[^>]+>/g, "") ?? "(no integrity line)";
        chainLine ||= line;
        if (!html.includes("Hash chain verified")) throw new Error(`${view.view}: the seeded chain does not verify: ${line}`);
      } else if (view.path === "/signin") {
        if (!html.includes("Sign in")) throw new Error(`${view.view}: not the sign-in page`);
      } else if ((html.match(/Account \d+/g) ?? []).length < 10) {
        throw new Error(`${view.view}: fewer than 10 connections shown`);
      }
      console.log(`  first request of ${view.view}: ${firstRequest.get(view.view)!.ms} ms, ${firstRequest.get(view.view)!.bytes} bytes`);
    }
    const profileWindows = new Map<string, { from: number; to: number }>();
    const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

    const results: ViewResult[] = [];
    for (const view of views) {
      if (interrupted) break;
      const url = `${APP_URL}${view.path}`;
      const headers = { cookie: view.cookie };
      if (WARMUP > 0) await load({ url, connections: CONNECTIONS, duration: WARMUP, headers, timeout: TIMEOUT_SECONDS });
      const pgBefore = await backendCpuSeconds();
      const nodeBefore = processCpuSeconds(serverPid) ?? Number.NaN;
      const machineBefore = machineBusyCpuSeconds();
      const loadAverage = round(os.loadavg()[0]!);
      const from = monotonicUs();
      const { result, latencies } = await load({ url, connections: CONNECTIONS, duration: DURATION, headers, timeout: TIMEOUT_SECONDS });
      profileWindows.set(view.view, { from, to: monotonicUs() });
      const nodeCpu = (processCpuSeconds(serverPid) ?? Number.NaN) - nodeBefore;
      const pgCpu = cpuSpentSince(pgBefore, await backendCpuSeconds());
      const machineAfter = machineBusyCpuSeconds();
      const seconds = result.duration;
      latencies.sort((a, b) => a - b);
      const requests = latencies.length;
      const p95 = percentile(latencies, 95);
      const row: ViewResult = {
        view: view.view,
        path: view.path,
        aimMs: view.aimMs,
        requests,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        requestsPerSecond: round(requests / seconds, 1),
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(p95),
        p99Ms: round(percentile(latencies, 99)),
        maxMs: round(latencies.at(-1) ?? Number.NaN),
        meetsAim: view.aimMs === null ? null : p95 <= view.aimMs && result.non2xx === 0 && result.errors === 0,
        nodeCpuMsPerRequest: round((nodeCpu * 1000) / Math.max(1, requests), 2),
        postgresCpuMsPerRequest: round((pgCpu * 1000) / Math.max(1, requests), 2),
        machineBusyCores: machineBefore === null || machineAfter === null ? null : round((machineAfter - machineBefore) / seconds),
        loadAverage,
        responseBytes: firstRequest.get(view.view)!.bytes,
        firstRequestMs: firstRequest.get(view.view)!.ms,
      };
      results.push(row);
      console.log(
        `  ${row.view}: p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, p99 ${row.p99Ms} ms, ${row.requestsPerSecond} req/s ` +
          `(${requests} requests, ${row.non2xx} non-2xx, ${row.errors} errors); CPU/request: node ${row.nodeCpuMsPerRequest} ms, postgres ${row.postgresCpuMsPerRequest} ms; ` +
          `machine busy ${row.machineBusyCores ?? "?"} of ${os.cpus().length} cores, load ${loadAverage}${row.meetsAim === false ? `  — MISSES the ${row.aimMs} ms aim` : ""}`,
      );
    }
    if (CPU_PROF) {
      // The profile is written when the server stops.
      await stopApp();
      const file = readdirSync(PROFILE_DIR).find((name) => name.endsWith(".cpuprofile"));
      if (!file) throw new Error(`no CPU profile in ${PROFILE_DIR} (see .bench/pages-server.log)`);
      const profile = JSON.parse(readFileSync(path.join(PROFILE_DIR, file), "utf8")) as Profile;
      for (const row of results) {
        const summary = summariseProfile(profile, { window: profileWindows.get(row.view), busyOnly: true });
        row.cpuProfile = summary;
        console.log(`\nwhere the server's CPU went, ${row.view} (${summary.samples} samples, ${round(row.nodeCpuMsPerRequest)} ms per request):`);
        for (const { place, percent } of summary.byPlace.slice(0, 10)) {
          console.log(`  ${String(percent).padStart(5)}%  ${round((percent * row.nodeCpuMsPerRequest) / 100).toFixed(2).padStart(7)} ms/req  ${place}`);
        }
        for (const { fn, percent } of summary.byFunction.slice(0, 8)) console.log(`  ${String(percent).padStart(5)}%  ${fn}`);
      }
    }
    const breakdown = interrupted ? [] : await pageParts(adminId);
    sizes.push({ requestedRows, seed, bytesPerRow, chainLine, views: results, breakdown });
    console.log(`\n${seed.rows.toLocaleString("en")} audit rows, concurrency ${CONNECTIONS}, ${DURATION} s per view (integrity line: "${chainLine.trim()}"):`);
    console.log("the audit page's parts, called in this process one at a time (first page's filter):");
    console.table(breakdown);
    console.table(
      results.map((r) => ({
        view: r.view,
        "p50 ms": r.p50Ms,
        "p95 ms": r.p95Ms,
        "p99 ms": r.p99Ms,
        "req/s": r.requestsPerSecond,
        "aim p95 ms": r.aimMs ?? "—",
        met: r.meetsAim === null ? "—" : r.meetsAim ? "yes" : "NO",
        "node CPU ms/req": r.nodeCpuMsPerRequest,
        "pg CPU ms/req": r.postgresCpuMsPerRequest,
        "KB": Math.round(r.responseBytes / 1024),
        "first ms": r.firstRequestMs,
        load: r.loadAverage,
      })),
    );
  }

  const file = writeBenchResult("pages", {
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    interrupted,
    app: { url: APP_URL, build: distDir, buildReused: SKIP_BUILD, buildSeconds, database: database.name },
    sizes,
  });
  console.log(`written to ${path.relative(process.cwd(), file)}`);
  if (interrupted || sizes.some((s) => s.views.some((v) => v.non2xx > 0 || v.errors > 0))) process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error("cleanup failed:", error));
  }
  await database.drop();
  console.log(`database ${database.name} dropped`);
}
