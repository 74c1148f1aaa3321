/**
 * `npm run bench:events [-- --events 10000 --concurrency 32 --mix uniform --server postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * Publishes events through the whole pipeline — outbox, logging, audit with the hash chain,
 * email (rendered and sent over SMTP to a local capture) — on a throwaway Postgres database
 * that it creates and drops, and reports events per second with the median and p95 time per
 * event: first under load (`--concurrency` publishers at once), then one at a time (the time
 * a request spends in `emitNow`). Then it measures the dispatcher's own overhead per
 * event with no-op handlers.
 *
 * `--mix uniform` (default): the nine events in turn, so a third of them send an email.
 * `--mix production`: what a running system mostly sees, token refreshes (per 50 events: one
 * connect, one failed connect, 21 refreshes, one refresh that needs the user, one disconnect;
 * 6% send an email). `--mix no-email`: the uniform mix without the three email events.
 *
 * Runs the app code as in production (NODE_ENV=production: React's production build, JSON
 * logs) with generated secrets; log lines are serialised as usual and discarded.
 *
 * `--cpu-profile` records a V8 CPU profile of the measured run under load
 * (`.bench/events.cpuprofile`, for Chrome DevTools or speedscope) and prints where its samples fell.
 * To count the statements each event costs, pass a server URL with `?log_statement=all`
 * (postgres.js sends URL parameters to the server as settings; a superuser may set this one):
 * every statement of the run's database goes to the server log under its name.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import postgres from "postgres";
import pino from "pino";

import { startSmtpCounter } from "../../test/support/smtp-counter";
import { startCpuProfile, type ProfileSummary } from "./cpu-profile";
import { processCpuSeconds } from "./cpu-usage";
import { benchDatabasePrefix } from "./throwaway-database";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "10000" },
    "sequential-events": { type: "string", default: "1000" },
    // Concurrent publishers, like concurrent requests: group commit needs several in flight to batch.
    concurrency: { type: "string", default: "32" },
    server: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    "overhead-iterations": { type: "string", default: "200000" },
    mix: { type: "string", default: "uniform" },
    "cpu-profile": { type: "boolean", default: false },
  },
});
const EVENTS = Number(args.events);
const SEQUENTIAL_EVENTS = Number(args["sequential-events"]);
const MIXES = ["uniform", "production", "no-email"] as const;
const MIX = MIXES.find((m) => m === args.mix);
if (!MIX) throw new Error(`--mix must be one of ${MIXES.join(", ")}`);
const CONCURRENCY = Number(args.concurrency);
const OVERHEAD_ITERATIONS = Number(args["overhead-iterations"]);

const databaseName = `${benchDatabasePrefix()}_events_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const serverUrl = new URL(args.server);
const databaseUrl = new URL(args.server);
databaseUrl.pathname = `/${databaseName}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ledgerlink-bench-"));
const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
// A real SMTP server in a process of its own: its CPU time is reported apart from the app's.
const smtp = await startSmtpCounter();

// Before the app's modules load: the environment is read once, on first use.
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl.toString(),
  DATA_DIR: dataDir,
  SMTP_URL: `${smtp.url}?pool=true&maxConnections=4`,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  CRON_SECRET: randomBytes(32).toString("base64url"),
  TOKEN_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  AUDIT_SIGNING_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  SANDBOX_BANK: "on",
  LOG_LEVEL: "info",
});

/** CPU time (ms) used so far by the Postgres backends serving the bench database, when they run on this machine. */
async function postgresCpuMs(): Promise<number> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${databaseName}`;
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      return NaN;
    }
  }
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
  await admin.unsafe(`create database "${databaseName}"`);
  console.log(`database ${databaseName} created on ${serverUrl.host}`);

  const { closeDb, getDb, queryRows } = await import("../../lib/db/client");
  const { migrateDatabase } = await import("../../lib/db/migrate");
  const { users } = await import("../../lib/db/schema");
  const { getLogger } = await import("../../lib/logger");
  const events = { ...(await import("../../lib/events/create-event")), ...(await import("../../lib/events/emit")) };
  const { createDispatcher } = await import("../../lib/events/dispatcher");
  const { EVENT_HANDLERS } = await import("../../lib/events/registry");
  const { verifyAuditChain } = await import("../../lib/audit/verify-chain");
  const { sql } = await import("drizzle-orm");

  try {
    await migrateDatabase();
    const db = await getDb();

    // Log lines are produced (serialised, redacted) as in production, then discarded.
    let logBytes = 0;
    const logger = getLogger();
    (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
      write: (line: string) => void (logBytes += line.length),
    };

    const people = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), email: `bench-${i}@example.test` }));
    await db.insert(users).values(people);

    // Event kinds: 0 CA, 1 CS✉, 2 CF, 3 RA, 4 RS, 5 RF✉ (needs the user), 6 DA, 7 DF, 8 DS✉.
    const PRODUCTION_CYCLE = [0, 1, 0, 2, ...Array.from({ length: 21 }, () => [3, 4]).flat(), 3, 5, 6, 8];
    const EMAIL_KINDS = [1, 5, 8];
    const kindOf = (i: number): number => {
      if (MIX === "production") return PRODUCTION_CYCLE[i % PRODUCTION_CYCLE.length]!;
      // Without emails, the three email events are replaced by Attempted events.
      return MIX === "no-email" && EMAIL_KINDS.includes(i % 9) ? 0 : i % 9;
    };
    const sendsEmail = (i: number) => EMAIL_KINDS.includes(kindOf(i));
    const connections = people.map((p) => ({ userId: p.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId: randomUUID() }));
    function makeEvent(i: number) {
      const c = connections[i % connections.length]!;
      const { connectionId: _, ...provider } = c;
      const user = { ipAddress: "203.0.113.10", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", actor: { type: "user" as const, userId: c.userId } };
      const system = { actor: { type: "system" as const } };
      switch (kindOf(i)) {
        case 0: return events.createEvent("ProviderConnectionAttempted", provider, user);
        case 1: return events.createEvent("ProviderConnectionSucceeded", c, user);
        case 2: return events.createEvent("ProviderConnectionFailed", { ...provider, reason: "user_cancelled" }, user);
        case 3: return events.createEvent("ProviderTokenRefreshAttempted", c, system);
        case 4: return events.createEvent("ProviderTokenRefreshSucceeded", c, system);
        case 5: return events.createEvent("ProviderTokenRefreshFailed", { ...c, reason: "provider_revoked", needsUserAction: true }, system);
        case 6: return events.createEvent("ProviderDisconnectionAttempted", c, user);
        case 7: return events.createEvent("ProviderDisconnectionFailed", { ...c, reason: "connection_not_found" }, user);
        default: return events.createEvent("ProviderDisconnectionSucceeded", c, user);
      }
    }

    async function run(count: number, offset: number, concurrency: number): Promise<{ wallMs: number; latencies: number[] }> {
      const latencies: number[] = new Array<number>(count);
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < count; i = next++) {
            const t0 = performance.now();
            await events.emitNow(makeEvent(offset + i));
            latencies[i] = performance.now() - t0;
          }
        }),
      );
      return { wallMs: performance.now() - started, latencies: latencies.sort((a, b) => a - b) };
    }

    // Enough rows that the tables are past "tiny" when analysed: the planner then plans index
    // lookups, as on any running system, and keeps those plans for the prepared statements.
    const warmup = 900;
    await run(warmup, 0, CONCURRENCY);
    // Statistics, as autovacuum keeps them on a running system: without them the planner takes
    // the fresh tables for empty and may keep sequential-scan plans for the whole run.
    await db.execute(sql`analyze`);
    const postgresCpu0 = await postgresCpuMs();
    const smtpCpu0 = processCpuSeconds(smtp.pid);
    const nodeCpu0 = process.cpuUsage();
    const profiler = args["cpu-profile"] ? await startCpuProfile(path.resolve(".bench", "events.cpuprofile")) : null;
    const { wallMs, latencies } = await run(EVENTS, warmup, CONCURRENCY);
    const nodeCpu = process.cpuUsage(nodeCpu0);
    const cpuProfile: ProfileSummary | null = profiler ? await profiler.stop() : null;
    const postgresCpu = (await postgresCpuMs()) - postgresCpu0;
    const smtpCpu1 = processCpuSeconds(smtp.pid);
    const smtpServerCpuMs = smtpCpu0 === null || smtpCpu1 === null ? NaN : (smtpCpu1 - smtpCpu0) * 1000;
    const sequential = await run(SEQUENTIAL_EVENTS, warmup + EVENTS, 1);
    const total = warmup + EVENTS + SEQUENTIAL_EVENTS;
    let expectedEmails = 0;
    for (let i = 0; i < total; i++) if (sendsEmail(i)) expectedEmails++;
    await smtp.waitFor(expectedEmails, { timeoutMs: 60_000 });

    const [check] = await queryRows<Record<string, number>>(
      db,
      sql`select
        (select count(*)::int from audit_logs) as audit_rows,
        (select count(*)::int from event_outbox where processed_at is null) as unprocessed,
        (select count(*)::int from event_handler_runs where status <> 'succeeded') as failed_runs,
        (select count(*)::int from email_deliveries where status = 'sent') as emails_sent`,
    );
    const verifyStarted = performance.now();
    const chain = await verifyAuditChain();
    const verifyMs = performance.now() - verifyStarted;

    const pipeline = {
      mix: MIX,
      events: EVENTS,
      concurrency: CONCURRENCY,
      eventsPerSecond: Math.round(EVENTS / (wallMs / 1000)),
      medianMs: Number(fmt(percentile(latencies, 50))),
      p95Ms: Number(fmt(percentile(latencies, 95))),
      p99Ms: Number(fmt(percentile(latencies, 99))),
      wallSeconds: Number(fmt(wallMs / 1000)),
      oneAtATimeEvents: SEQUENTIAL_EVENTS,
      oneAtATimeEventsPerSecond: Math.round(SEQUENTIAL_EVENTS / (sequential.wallMs / 1000)),
      oneAtATimeMedianMs: Number(fmt(percentile(sequential.latencies, 50))),
      oneAtATimeP95Ms: Number(fmt(percentile(sequential.latencies, 95))),
      emailsCaptured: smtp.received,
      emailsExpected: expectedEmails,
      auditRows: check?.audit_rows,
      unprocessedOutboxRows: check?.unprocessed,
      failedHandlerRuns: check?.failed_runs,
      emailDeliveriesSent: check?.emails_sent,
      auditChain: chain.ok ? `ok (${chain.rows} rows verified in ${Math.round(verifyMs)} ms)` : `BROKEN at seq ${chain.firstBadSeq}`,
      logMegabytes: Number(fmt(logBytes / 1e6)),
      // CPU time per event, whatever else the machine is doing (the wall-clock figures above are not).
      nodeCpuMsPerEvent: Number(fmt((nodeCpu.user + nodeCpu.system) / 1000 / EVENTS, 3)),
      postgresCpuMsPerEvent: Number.isNaN(postgresCpu) ? "n/a (remote server)" : Number(fmt(postgresCpu / EVENTS, 3)),
      // The SMTP server receiving the emails (not the app; counted in nodeCpuMsPerEvent before it had a process of its own).
      smtpServerCpuMsPerEvent: Number(fmt(smtpServerCpuMs / EVENTS, 3)),
      loadAverage: os.loadavg()[0]?.toFixed(2),
    };

    // The dispatcher alone: the real registry's subscriptions with no-op handlers and store.
    const noops = EVENT_HANDLERS.map((h) => ({ name: h.name, receives: h.receives, handle: async () => {} }));
    const dispatcher = createDispatcher({ handlers: noops, store: { save: async () => {} } });
    const sample = Array.from({ length: 900 }, (_, i) => makeEvent(i));
    const direct = async (event: (typeof sample)[number]) => {
      for (const h of dispatcher.handlersFor(event.type)) await h.handle(event);
    };
    const time = async (fn: (event: (typeof sample)[number]) => Promise<unknown>) => {
      for (let i = 0; i < 20_000; i++) await fn(sample[i % sample.length]!);
      const t0 = performance.now();
      for (let i = 0; i < OVERHEAD_ITERATIONS; i++) await fn(sample[i % sample.length]!);
      return ((performance.now() - t0) * 1000) / OVERHEAD_ITERATIONS;
    };
    const dispatchUs = await time((event) => dispatcher.dispatch(event));
    const directUs = await time(direct);
    const overhead = {
      iterations: OVERHEAD_ITERATIONS,
      dispatchPerEventMicros: Number(fmt(dispatchUs)),
      handlersCalledDirectlyMicros: Number(fmt(directUs)),
      dispatcherOverheadMicros: Number(fmt(dispatchUs - directUs)),
    };

    console.log("\nwhole pipeline (outbox + logging + audit hash chain + email over SMTP), Postgres:");
    console.table(pipeline);
    console.log("dispatcher with no-op handlers and a no-op run store:");
    console.table(overhead);
    console.log(JSON.stringify({ pipeline, overhead }));
    if (cpuProfile) {
      console.log("\nwhere this process spent its samples in the run under load (self time; profile in .bench/events.cpuprofile):");
      for (const { place, percent } of cpuProfile.byPlace.slice(0, 15)) console.log(`  ${String(percent).padStart(5)}%  ${place}`);
      for (const { fn, percent } of cpuProfile.byFunction.slice(0, 25)) console.log(`  ${String(percent).padStart(5)}%  ${fn}`);
    }

    const ok = chain.ok && pipeline.unprocessedOutboxRows === 0 && pipeline.failedHandlerRuns === 0 && smtp.received === expectedEmails;
    if (!ok) {
      console.error("the pipeline did not finish cleanly (see above)");
      process.exitCode = 1;
    }
  } finally {
    await closeDb();
  }
}

let cleaned = false;
async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await smtp.close();
  await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`database ${databaseName} dropped`);
}
// Ctrl-C must not leave a database behind.
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

try {
  await main();
} finally {
  await cleanUp();
}
