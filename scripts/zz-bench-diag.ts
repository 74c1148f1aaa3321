/**
 * `npm run bench:events [-- --events 10000 --concurrency 8 --server postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * Publishes events through the whole pipeline — outbox, logging, audit with the hash chain,
 * email (rendered and sent over SMTP to an in-process capture) — on a throwaway Postgres
 * database that it creates and drops, and reports events per second with the median and p95
 * time per event. Then measures the dispatcher's own overhead per event with no-op handlers.
 *
 * Runs the app code as in production (NODE_ENV=production: React's production build, JSON
 * logs) with generated secrets; log lines are serialised as usual and discarded.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import postgres from "postgres";
import pino from "pino";

import { Worker } from "node:worker_threads";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    server: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    "overhead-iterations": { type: "string", default: "200000" },
    "diag-async": { type: "boolean" },
  },
});
const EVENTS = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const OVERHEAD_ITERATIONS = Number(args["overhead-iterations"]);

const databaseName = `ledgerlink_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const serverUrl = new URL(args.server);
const databaseUrl = new URL(args.server);
databaseUrl.pathname = `/${databaseName}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ledgerlink-bench-"));
const admin = postgres(serverUrl.toString(), { max: 1, onnotice: () => {} });
const smtp = await startCountingSmtpServer();

// Before the app's modules load: the environment is read once, on first use.
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl.toString(),
  DATA_DIR: dataDir,
  SMTP_URL: `${smtp.url}?pool=true&maxConnections=4`,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  CRON_SECRET: randomBytes(32).toString("base64url"),
  TOKEN_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  SANDBOX_BANK: "on",
  LOG_LEVEL: "info",
});

/**
 * The "local capture" the emails go to: a real SMTP server (smtp-server) that accepts and
 * counts messages, in a worker thread so that it does not take CPU time from the pipeline
 * being measured (a real mail server would not run in the app's process either).
 */
async function startCountingSmtpServer() {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     const { SMTPServer } = require("smtp-server");
     let received = 0;
     const server = new SMTPServer({
       authOptional: true, disabledCommands: ["STARTTLS"], logger: false, closeTimeout: 100,
       onData(stream, _session, callback) {
         stream.resume();
         stream.on("end", () => { received += 1; parentPort.postMessage({ received }); callback(); });
       },
     });
     server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.server.address().port }));
     parentPort.on("message", (m) => { if (m === "close") server.close(() => process.exit(0)); });`,
    { eval: true },
  );
  let received = 0;
  const waiters = new Set<() => void>();
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: { port?: number; received?: number }) => {
      if (message.port) resolve(message.port);
      if (message.received) {
        received = message.received;
        waiters.forEach((check) => check());
      }
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    waitFor: (count: number, { timeoutMs }: { timeoutMs: number }) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`SMTP: ${received} of ${count} messages after ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (received < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      worker.postMessage("close");
      await new Promise((resolve) => worker.once("exit", resolve));
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
  await admin.unsafe(`create database "${databaseName}"`);
  if (process.argv.includes("--diag-async")) await admin.unsafe(`alter database "${databaseName}" set synchronous_commit = off`);
  console.log(`database ${databaseName} created on ${serverUrl.host}`);

  const { closeDb, getDb } = await import("../lib/db/client");
  const { migrateDatabase } = await import("../lib/db/migrate");
  const { users } = await import("../lib/db/schema");
  const { getLogger } = await import("../lib/logger");
  const events = await import("../lib/events/events");
  const { createDispatcher } = await import("../lib/events/dispatcher");
  const { EVENT_HANDLERS } = await import("../lib/events/registry");
  const { verifyAuditChain } = await import("../lib/audit/verify-chain");
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

    // A workflow mix that covers all nine events in their natural order; emails on 3 of 9.
    const connections = people.map((p) => ({ userId: p.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId: randomUUID() }));
    function makeEvent(i: number) {
      const c = connections[i % connections.length]!;
      const { connectionId: _, ...provider } = c;
      const options = { ipAddress: "203.0.113.10", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", actor: { type: "user" as const, userId: c.userId } };
      const k = process.env.BENCH_NO_EMAIL && [1, 5, 8].includes(i % 9) ? 0 : i % 9;
      switch (k) {
        case 0: return events.createEvent("ProviderConnectionAttempted", provider, options);
        case 1: return events.createEvent("ProviderConnectionSucceeded", c, options);
        case 2: return events.createEvent("ProviderConnectionFailed", { ...provider, reason: "user_cancelled" }, options);
        case 3: return events.createEvent("ProviderTokenRefreshAttempted", c, { actor: { type: "system" } });
        case 4: return events.createEvent("ProviderTokenRefreshSucceeded", c, { actor: { type: "system" } });
        case 5: return events.createEvent("ProviderTokenRefreshFailed", { ...c, reason: "provider_revoked", needsUserAction: true }, { actor: { type: "system" } });
        case 6: return events.createEvent("ProviderDisconnectionAttempted", c, options);
        case 7: return events.createEvent("ProviderDisconnectionFailed", { ...c, reason: "connection_not_found" }, options);
        default: return events.createEvent("ProviderDisconnectionSucceeded", c, options);
      }
    }
    const sendsEmail = (i: number) => !process.env.BENCH_NO_EMAIL && [1, 5, 8].includes(i % 9);

    async function run(count: number, offset: number): Promise<{ wallMs: number; latencies: number[] }> {
      const latencies: number[] = new Array<number>(count);
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < count; i = next++) {
            const t0 = performance.now();
            await events.publishEvent(makeEvent(offset + i));
            latencies[i] = performance.now() - t0;
          }
        }),
      );
      return { wallMs: performance.now() - started, latencies };
    }

    const timings: Record<string, number> = {};
    for (const h of EVENT_HANDLERS) {
      const original = h.handle.bind(h);
      (h as { handle: typeof h.handle }).handle = async (e) => {
        const t = performance.now();
        try { await original(e); } finally { timings[h.name] = (timings[h.name] ?? 0) + performance.now() - t; }
      };
    }
    const { databaseRunStore } = await import("../lib/events/handler-run-store");
    const save = databaseRunStore.save.bind(databaseRunStore);
    databaseRunStore.save = async (...a) => { const t = performance.now(); try { await save(...a); } finally { timings.save = (timings.save ?? 0) + performance.now() - t; } };
    const rem = await import("../lib/email/render-email-message");
    const warmup = 450;
    await run(warmup, 0);
    for (const k of Object.keys(timings)) timings[k] = 0;
    const cpu0 = process.cpuUsage();
    const { wallMs, latencies } = await run(EVENTS, warmup);
    const cpu = process.cpuUsage(cpu0);
    console.log("node cpu % of wall:", ((cpu.user + cpu.system) / 1000 / wallMs * 100).toFixed(0), "user", (cpu.user/1000).toFixed(0), "sys", (cpu.system/1000).toFixed(0), "wall", wallMs.toFixed(0));
    console.log("per-event ms summed over concurrency:", Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, (v / EVENTS).toFixed(2)])));
    const el = makeEvent(1);
    const { notificationFor } = await import("../lib/events/handlers/email-notifications");
    const n = notificationFor(el)!;
    let t = performance.now(); for (let i = 0; i < 300; i++) await rem.renderEmailMessage(n.element()); console.log("render ms", ((performance.now() - t) / 300).toFixed(2));
    const { sendEmail } = await import("../lib/email/send-email");
    t = performance.now(); for (let i = 0; i < 100; i++) await sendEmail({ to: "a@b.c", subject: "s", html: "<p>x</p>", text: "x" }); console.log("send ms seq", ((performance.now() - t) / 100).toFixed(2));
    const total = warmup + EVENTS;
    let expectedEmails = 0;
    for (let i = 0; i < total; i++) if (sendsEmail(i)) expectedEmails++;
    await smtp.waitFor(expectedEmails, { timeoutMs: 60_000 });

    const [check] = await db.execute<Record<string, unknown>>(sql`select
        (select count(*)::int from audit_logs) as audit_rows,
        (select count(*)::int from event_outbox where processed_at is null) as unprocessed,
        (select count(*)::int from event_handler_runs where status <> 'succeeded') as failed_runs,
        (select count(*)::int from email_deliveries where status = 'sent') as emails_sent`) as unknown as Record<string, number>[];
    const verifyStarted = performance.now();
    const chain = await verifyAuditChain();
    const verifyMs = performance.now() - verifyStarted;

    const sorted = [...latencies].sort((a, b) => a - b);
    const pipeline = {
      events: EVENTS,
      concurrency: CONCURRENCY,
      eventsPerSecond: Math.round(EVENTS / (wallMs / 1000)),
      medianMs: Number(fmt(percentile(sorted, 50))),
      p95Ms: Number(fmt(percentile(sorted, 95))),
      p99Ms: Number(fmt(percentile(sorted, 99))),
      wallSeconds: Number(fmt(wallMs / 1000)),
      emailsCaptured: smtp.received,
      emailsExpected: expectedEmails,
      auditRows: check?.audit_rows,
      unprocessedOutboxRows: check?.unprocessed,
      failedHandlerRuns: check?.failed_runs,
      emailDeliveriesSent: check?.emails_sent,
      auditChain: chain.ok ? `ok (${chain.rows} rows verified in ${Math.round(verifyMs)} ms)` : `BROKEN at seq ${chain.firstBadSeq}`,
      logMegabytes: Number(fmt(logBytes / 1e6)),
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

    const ok = chain.ok && pipeline.unprocessedOutboxRows === 0 && pipeline.failedHandlerRuns === 0 && smtp.received === expectedEmails;
    if (!ok) {
      console.error("the pipeline did not finish cleanly (see above)");
      process.exitCode = 1;
    }
  } finally {
    await closeDb();
  }
}

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
});

try {
  await main();
} finally {
  await smtp.close();
  await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`database ${databaseName} dropped${interrupted ? " (interrupted)" : ""}`);
}
