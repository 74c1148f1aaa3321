/**
 * `npm run bench:refresh [-- --connections 2000 --sweeps 2 --server postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * Issue 5's Performance figure: 2,000 due connections on Postgres refreshed against the
 * Sandbox Bank by the sweep, with `--sweeps N` sweeps running at once (default 2) —
 * connections per second, the p95 per refresh, the wasted transactions (a refresh
 * transaction that found the row locked or already refreshed by another sweep: 0 now that
 * sweeps claim disjoint batches), and the double refreshes (must be 0). CPU ms per refresh
 * (this process, which includes the in-process bank, and the Postgres backends) is the
 * figure to compare on a loaded machine. Aim: ≥ 100 refreshes per second.
 *
 * No Next server: the app's use-cases run in this process on a throwaway Postgres database
 * (created, migrated, dropped), as in production (NODE_ENV=production, JSON logs written and
 * discarded, emails sent over SMTP to an in-process capture). The grants are real: each
 * connection goes through start-connect → the bank's consent page ("short-lived tokens", so
 * every access token is due at once) → complete-connect, five per user (the connect rate
 * limit), one bank login per connection so the bank counts refreshes per connection.
 *
 * Per-refresh time is measured around each `refreshConnection` call the sweeps make (the
 * sweep's `onRefresh` option), and cross-checked against the audit rows. Double refreshes are
 * counted twice: at the bank (refresh-token requests per login) and in the audit trail
 * (succeeded refreshes per connection).
 *
 * Profiling aids: `--bank-process` runs the Sandbox Bank in its own process (oidc-provider's
 * cost off this event loop); `--sweep-concurrency N` overrides the sweep's default;
 * `--cpu-profile` records a V8 CPU profile of the sweeps (`.bench/refresh.cpuprofile`) and
 * prints where the samples fell; `--node-env test` runs with the non-production database
 * pool (10 connections instead of 5; nothing else on the sweep's path changes).
 * The bank listens on BENCH_PORT_BASE + 51 (default 3551). Writes `.bench/refresh.json`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import pino from "pino";

import type { RefreshTiming } from "../../lib/connections/refresh-sweep";

import { startCpuProfile, type ProfileSummary } from "./cpu-profile";
import { machineBusyCpuSeconds, processCpuSeconds, totalCpuSeconds } from "./cpu-usage";
import { samplePgActivity } from "./pg-activity-sampler";
import { writeBenchResult } from "./result-file";
import { formatTable, summarize } from "./stats";
import { createThrowawayDatabase } from "./throwaway-database";

const { values: args } = parseArgs({
  options: {
    connections: { type: "string", default: "2000" },
    sweeps: { type: "string", default: "2" },
    "connect-concurrency": { type: "string", default: "8" },
    "sweep-concurrency": { type: "string" },
    "bank-process": { type: "boolean", default: false },
    "cpu-profile": { type: "boolean", default: false },
    "node-env": { type: "string", default: "production" },
    server: { type: "string", default: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const CONNECTIONS = Number(args.connections);
const SWEEPS = Number(args.sweeps);
const CONNECT_CONCURRENCY = Number(args["connect-concurrency"]);
const SWEEP_CONCURRENCY = args["sweep-concurrency"] === undefined ? undefined : Number(args["sweep-concurrency"]);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3500);
// On the sweep's path the one difference `test` makes is the database pool: 10 connections, not 5.
const NODE_ENV = args["node-env"];
if (NODE_ENV !== "production" && NODE_ENV !== "test") throw new Error("--node-env must be production or test");
// The connect rate limit allows 5 flows per user per 10 minutes.
const CONNECTIONS_PER_USER = 5;
for (const [name, value] of Object.entries({ CONNECTIONS, SWEEPS, CONNECT_CONCURRENCY, PORT_BASE, SWEEP_CONCURRENCY: SWEEP_CONCURRENCY ?? 1 })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
}

const appUrl = `http://localhost:${PORT_BASE + 50}`; // only names the redirect URI: nothing listens there
const bankUrl = `http://localhost:${PORT_BASE + 51}`;
const loginFor = (i: number) => `bench-r${i}`;

async function mapWithConcurrency<T>(count: number, concurrency: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) results[index] = await fn(index);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The 48-bit millisecond timestamp at the front of a UUID v7. */
const uuidv7Millis = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

async function startBankProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/sandbox-bank.ts"], { env, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Sandbox Bank process exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${bankUrl}/.well-known/openid-configuration`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGTERM");
  throw new Error("the Sandbox Bank process did not start within 30 s");
}

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.log("\ninterrupted: cleaning up after the current step");
});

const database = await createThrowawayDatabase({ serverUrl: args.server, label: "refresh" });
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ledgerlink-bench-refresh-"));
const cleanups: Array<() => Promise<unknown>> = [];
console.log(`database ${database.name} created`);

try {
  const { startSmtpCapture } = await import("../../test/support/smtp-capture");
  const smtp = await startSmtpCapture({ parse: false });
  cleanups.push(() => smtp.close());

  // Before any app module loads: lib/env.ts reads the environment once, on first use.
  Object.assign(process.env, {
    NODE_ENV,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    APP_URL: appUrl,
    SANDBOX_BANK: "on",
    SANDBOX_BANK_URL: bankUrl,
    SMTP_URL: `${smtp.url}?pool=true&maxConnections=4`,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    CRON_SECRET: randomBytes(32).toString("base64url"),
    TOKEN_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    AUDIT_SIGNING_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    REFRESH_SWEEP_INTERVAL_SECONDS: "0",
    LOG_LEVEL: "info",
  });

  const { closeDb, getDb, queryRows } = await import("../../lib/db/client");
  const { migrateDatabase } = await import("../../lib/db/migrate");
  const { users } = await import("../../lib/db/schema");
  const { getEnv } = await import("../../lib/env");
  const { getLogger } = await import("../../lib/logger");
  const { runWithRequestContext } = await import("../../lib/request-context");
  const { startConnect } = await import("../../lib/connections/start-connect");
  const { completeConnect } = await import("../../lib/connections/complete-connect");
  const { runRefreshSweep } = await import("../../lib/connections/refresh-sweep");
  const refreshTimings: RefreshTiming[] = [];
  const { authorizeInSandboxBank } = await import("../../lib/providers/sandbox-bank/consent-driver");
  const { sandboxControl } = await import("../../lib/providers/sandbox-bank/control-client");
  const { sql } = await import("drizzle-orm");
  cleanups.push(closeDb);

  // Log lines are produced (serialised, redacted) as in production, then discarded.
  let logBytes = 0;
  (getLogger() as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write: (line: string) => void (logBytes += line.length),
  };

  await migrateDatabase();
  const env = getEnv();
  let bankProcess: ChildProcess | null = null;
  if (args["bank-process"]) {
    bankProcess = await startBankProcess(process.env);
    const child = bankProcess;
    cleanups.push(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    });
  } else {
    const { startSandboxBankFromEnv } = await import("../sandbox-bank-from-env");
    const bank = await startSandboxBankFromEnv(env, { quiet: true });
    cleanups.push(() => bank.close());
  }
  const control = sandboxControl({ issuer: bankUrl, secret: env.sandboxBankControlSecret });
  console.log(`Sandbox Bank on ${bankUrl} (${bankProcess ? `its own process, pid ${bankProcess.pid}` : "in this process"})`);

  // 1. Real grants: connect flows through the use-cases, five per user, users in parallel.
  const db = await getDb();
  const people = Array.from({ length: Math.ceil(CONNECTIONS / CONNECTIONS_PER_USER) }, (_, i) => ({
    id: randomUUID(),
    email: `bench-refresh-${i}@bench.ledgerlink.test`,
    name: "Bench User",
  }));
  for (let i = 0; i < people.length; i += 500) await db.insert(users).values(people.slice(i, i + 500));

  console.log(`connecting ${CONNECTIONS} grants (short-lived tokens) …`);
  const setupStarted = performance.now();
  let connected = 0;
  await mapWithConcurrency(people.length, CONNECT_CONCURRENCY, async (userIndex) => {
    const user = people[userIndex]!;
    // One user's flows one after another: concurrent ones would race for the same default alias.
    for (let i = userIndex * CONNECTIONS_PER_USER; i < Math.min(CONNECTIONS, (userIndex + 1) * CONNECTIONS_PER_USER); i += 1) {
      if (interrupted) throw new Error("interrupted");
      await runWithRequestContext({ actor: { type: "user", userId: user.id }, userAgent: "ledgerlink-bench-refresh" }, async () => {
        const { authorizationUrl } = await startConnect({ userId: user.id, providerSlug: "sandbox-bank" });
        const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: loginFor(i), outcome: "short_lived" });
        const result = await completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl });
        if (!result.ok) throw new Error(`connect ${i} failed: ${result.reason}`);
      });
      connected += 1;
      if (connected % 500 === 0) console.log(`  ${connected}/${CONNECTIONS}`);
    }
  });
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const [due] = await queryRows<{ due: number }>(
    db,
    sql`select count(*)::int as due from provider_connections
        where status = 'active' and access_token_expires_at <= now() + make_interval(secs => ${env.REFRESH_AHEAD_SECONDS})`,
  );
  if (due?.due !== CONNECTIONS) throw new Error(`expected ${CONNECTIONS} due connections, found ${due?.due}`);
  console.log(`${CONNECTIONS} due connections in ${setupSeconds.toFixed(1)} s (${(CONNECTIONS / setupSeconds).toFixed(0)} connects/s)`);
  const before = await control.stats();
  // Statistics, as autovacuum keeps them on a running system (the tables were empty a minute ago).
  await db.execute(sql`analyze`);

  // 2. The measurement: two sweeps at once, as two cron invocations or instances would.
  console.log(`running ${SWEEPS} sweeps at once …`);
  const activity = samplePgActivity({ databaseUrl: database.url, databaseName: database.name });
  const backendsBefore = await activity.currentPids();
  const backendCpuBefore = new Map(backendsBefore.map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
  const bankCpuBefore = bankProcess?.pid ? processCpuSeconds(bankProcess.pid) : null;
  const machineBefore = machineBusyCpuSeconds();
  const cpuBefore = process.cpuUsage();
  const profiler = args["cpu-profile"] ? await startCpuProfile(path.resolve(".bench", "refresh.cpuprofile")) : null;
  const eluBefore = performance.eventLoopUtilization();
  const sweepStarted = performance.now();
  const sweeps = await Promise.all(
    Array.from({ length: SWEEPS }, () => runRefreshSweep({
        onRefresh: (timing) => refreshTimings.push(timing),
        ...(SWEEP_CONCURRENCY === undefined ? {} : { concurrency: SWEEP_CONCURRENCY }),
      })),
  );
  const sweepEnded = performance.now();
  const elu = performance.eventLoopUtilization(eluBefore);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuProfile: ProfileSummary | null = profiler ? await profiler.stop() : null;
  const machineAfter = machineBusyCpuSeconds();
  const bankCpuSeconds = bankProcess?.pid && bankCpuBefore !== null ? (processCpuSeconds(bankProcess.pid) ?? 0) - bankCpuBefore : null;
  const pgActivity = await activity.stop();
  const postgresCpuSeconds =
    totalCpuSeconds(pgActivity.pids) - pgActivity.pids.reduce((sum, pid) => sum + (backendCpuBefore.get(pid) ?? 0), 0);
  const wallSeconds = (sweepEnded - sweepStarted) / 1000;
  const ownCpuSeconds = (cpu.user + cpu.system) / 1e6 + (bankCpuSeconds ?? 0) + postgresCpuSeconds;
  // Everything else the machine ran meanwhile (other people's tests, Postgres's own workers).
  const otherCpuSeconds = machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore - ownCpuSeconds;

  // 3. What happened, three ways: the bank's counters, the audit trail, the connections.
  const after = await control.stats();
  const refreshRequests = (login: string) =>
    (after.tokenRequests.byAccount[login]?.refreshToken ?? 0) - (before.tokenRequests.byAccount[login]?.refreshToken ?? 0);
  const perLogin = Array.from({ length: CONNECTIONS }, (_, i) => refreshRequests(loginFor(i)));
  const [audit] = await queryRows<{ succeeded: number; failed: number; connections_refreshed: number; doubles: number; not_refreshed: number }>(
    db,
    sql`with per_connection as (
          select connection_id, count(*) filter (where action = 'provider_token_refreshed') as succeeded
          from audit_logs where workflow = 'refresh' group by connection_id)
        select
          (select count(*)::int from audit_logs where action = 'provider_token_refreshed') as succeeded,
          (select count(*)::int from audit_logs where action = 'provider_token_refresh_failed') as failed,
          (select count(*)::int from per_connection where succeeded >= 1) as connections_refreshed,
          (select count(*)::int from per_connection where succeeded > 1) as doubles,
          (select count(*)::int from provider_connections where status <> 'active' or last_refreshed_at is null) as not_refreshed`,
  );
  // Audit cross-check of the time per refresh: the Attempted event's id (UUID v7, made under
  // the row lock) to the moment the outcome's audit row was written (after the commit).
  // The Attempted row's occurred_at cannot serve: the sweep stamps it with its own start time.
  const auditSpans = await queryRows<{ attempted_id: string; recorded_at: string }>(
    db,
    sql`select a.event_id::text as attempted_id, o.recorded_at::text as recorded_at
        from audit_logs a join audit_logs o on o.correlation_id = a.correlation_id and o.outcome <> 'attempted'
        where a.action = 'provider_token_refresh_attempted'`,
  );

  const refreshed = sweeps.reduce((sum, s) => sum + s.refreshed, 0);
  const timedRefreshes = refreshTimings.filter((t) => t.status === "refreshed");
  const timedOthers = refreshTimings.filter((t) => t.status !== "refreshed");
  const refreshPhaseSeconds =
    timedRefreshes.length > 0
      ? (Math.max(...timedRefreshes.map((t) => t.startedAt + t.ms)) - Math.min(...timedRefreshes.map((t) => t.startedAt))) / 1000
      : null;
  const perRefresh = summarize(timedRefreshes.map((t) => t.ms));
  const skippedCalls = summarize(timedOthers.map((t) => t.ms));
  const auditEstimate = summarize(auditSpans.map((row) => Date.parse(row.recorded_at) - uuidv7Millis(row.attempted_id)));
  // A refresh transaction that did nothing because another sweep had the row or had just refreshed it.
  const wastedTransactions = timedOthers.filter((t) => t.status === "skipped").length;
  const ownCpuMs = (cpu.user + cpu.system) / 1e3 + (bankCpuSeconds ?? 0) * 1e3;
  const doubles = {
    bank: perLogin.filter((n) => n > 1).length,
    audit: audit?.doubles ?? -1,
  };
  const result = {
    connections: CONNECTIONS,
    sweeps: SWEEPS,
    sweepConcurrency: SWEEP_CONCURRENCY ?? "default (8)",
    bank: args["bank-process"] ? "own process" : "in process",
    nodeEnv: NODE_ENV,
    refreshed,
    connectionsPerSecond: Number((refreshed / wallSeconds).toFixed(1)),
    wallSeconds: Number(wallSeconds.toFixed(2)),
    refreshPhaseSeconds: refreshPhaseSeconds === null ? null : Number(refreshPhaseSeconds.toFixed(2)),
    refreshesPerSecondInRefreshPhase: refreshPhaseSeconds ? Number((timedRefreshes.length / refreshPhaseSeconds).toFixed(1)) : null,
    perRefreshMs: perRefresh,
    wastedTransactions,
    nodeCpuMsPerRefresh: refreshed ? Number((ownCpuMs / refreshed).toFixed(2)) : null,
    postgresCpuMsPerRefresh: refreshed ? Number(((postgresCpuSeconds * 1e3) / refreshed).toFixed(2)) : null,
    skippedOrFailedCallsMs: { ...skippedCalls, byStatus: countBy(timedOthers.map((t) => t.status)) },
    perRefreshFromAuditMs: auditEstimate,
    doubleRefreshes: doubles,
    bankRefreshRequests: { total: perLogin.reduce((a, b) => a + b, 0), loginsWithNone: perLogin.filter((n) => n === 0).length },
    audit,
    sweepSummaries: sweeps.map(({ refreshed: r, failed, skipped, claimed, batches, abandonedConnects, reauthWarnings, recovery, tookMs }) => ({
      refreshed: r,
      failed,
      skipped,
      claimed,
      batches,
      abandonedConnects,
      reauthWarnings,
      recovery,
      tookMs,
    })),
    profile: {
      benchProcessCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      eventLoopUtilization: Number(elu.utilization.toFixed(3)),
      bankProcessCpuSeconds: bankCpuSeconds === null ? null : Number(bankCpuSeconds.toFixed(2)),
      postgresBackendsCpuSeconds: Number(postgresCpuSeconds.toFixed(2)),
      otherProcessesCpuSeconds: otherCpuSeconds === null ? null : Number(Math.max(0, otherCpuSeconds).toFixed(2)),
      postgresConnections: pgActivity,
      logMegabytes: Number((logBytes / 1e6).toFixed(2)),
      loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
      cpuProfile,
    },
    setup: { seconds: Number(setupSeconds.toFixed(1)), connectsPerSecond: Number((CONNECTIONS / setupSeconds).toFixed(1)) },
    timingHook: timedRefreshes.length + timedOthers.length > 0 ? "applied" : "NOT applied (per-refresh figures from the audit rows only)",
  };

  console.log(`\n${SWEEPS} sweeps at once over ${CONNECTIONS} due connections (bank ${result.bank}):`);
  console.log(`  refreshed ${refreshed} in ${wallSeconds.toFixed(2)} s → ${result.connectionsPerSecond} connections/s`);
  console.log(`  double refreshes: ${doubles.bank} at the bank, ${doubles.audit} in the audit trail; wasted transactions: ${wastedTransactions}`);
  console.log(
    `  CPU per refresh: ${result.nodeCpuMsPerRefresh} ms this process (bank included), ${result.postgresCpuMsPerRefresh} ms Postgres; load average ${result.profile.loadAverage.join(" ")}`,
  );
  console.log(
    `  sweeps: ${sweeps.map((s) => `${s.refreshed} refreshed / ${s.skipped} skipped / ${s.failed} failed of ${s.claimed} claimed in ${s.batches} batches, ${s.tookMs} ms`).join("; ")}\n`,
  );
  console.log(
    formatTable([
      { label: "per refresh (timed call)", summary: perRefresh },
      { label: "per refresh (audit rows)", summary: auditEstimate },
      { label: "skipped/failed calls", summary: skippedCalls },
    ]),
  );
  console.log(
    `\nprofile: this process ${result.profile.benchProcessCpuSeconds} CPU-s (event loop ${Math.round(elu.utilization * 100)}% busy)` +
      `${bankCpuSeconds === null ? "" : `, bank process ${result.profile.bankProcessCpuSeconds} CPU-s`}` +
      `, Postgres backends ${result.profile.postgresBackendsCpuSeconds} CPU-s, everything else ${result.profile.otherProcessesCpuSeconds ?? "?"} CPU-s,` +
      ` over ${wallSeconds.toFixed(2)} s on ${os.cpus().length} cores;` +
      ` app connections by state (mean): ${JSON.stringify(pgActivity.meanByState)}`,
  );
  if (cpuProfile) {
    console.log("\nwhere this process spent its samples during the sweeps (self time; profile in .bench/refresh.cpuprofile):");
    for (const { place, percent } of cpuProfile.byPlace.slice(0, 15)) console.log(`  ${String(percent).padStart(5)}%  ${place}`);
  }
  const file = writeBenchResult("refresh", result);
  console.log(`written to ${path.relative(process.cwd(), file)}`);

  const allRefreshed = refreshed === CONNECTIONS && audit?.connections_refreshed === CONNECTIONS && audit.not_refreshed === 0;
  if (!allRefreshed || doubles.bank !== 0 || doubles.audit !== 0 || result.bankRefreshRequests.loginsWithNone !== 0) {
    console.error("FAILED: not every connection was refreshed exactly once (see above)");
    process.exitCode = 1;
  } else if (result.connectionsPerSecond < 100) {
    console.warn(`below the aim of 100 refreshes per second (${result.connectionsPerSecond}/s)`);
  }
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error("cleanup failed:", error));
  }
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`database ${database.name} dropped`);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
