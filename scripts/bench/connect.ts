/**
 * `npm run bench:connect [-- --flows 200 --warmup 10 --server postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * Issue 4's Performance figure: the time from the Connect action to the redirect, and from
 * the callback to the rendered dashboard, over 200 flows driven without a browser.
 *
 * The real app is started the way scripts/e2e-server.ts starts it (e2e/support/e2e-env.ts's
 * environment): a production build (`next build` into its own folder, `.next-bench`, reused
 * with BENCH_SKIP_BUILD=1) served by `next start`, the Sandbox Bank on its own origin, an
 * SMTP capture taking the "connected" emails — on ports from BENCH_PORT_BASE (default 3500:
 * app 3500, bank 3501, SMTP 3525) and on a throwaway Postgres database created and dropped
 * here. Each bench user gets a session row and the Auth.js cookie (no email round trip),
 * five flows per user (the connect rate limit). Each flow acts as a browser without
 * JavaScript (scripts/bench/connect-flow.ts); one flow at a time: latencies, not load.
 *
 * The "connected" email is sent inside the callback request. `--smtp per-message` (default, as
 * the e2e suite) opens an SMTP connection per email — the capture, like many servers, waits
 * 100 ms before its greeting; `--smtp pooled` lets nodemailer keep connections open.
 *
 * `--accounts-read on` (default) is the app as shipped: after each callback's response, the first
 * accounts read runs in the background. `--accounts-read off` starts the Sandbox Bank without its
 * accounts API (SANDBOX_BANK_ACCOUNTS=off), so the same flows run with no read: run both and
 * compare the callback's p95 to see what the background read costs the person waiting.
 *
 * Writes `.bench/connect.json`; the Next server's own output goes to `.bench/connect-server.log`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import { callbackBreakdown, type CallbackWindow } from "./callback-breakdown";
import { connectFlow, FlowError, type FlowTiming } from "./connect-flow";
import { machineBusyCpuSeconds } from "./cpu-usage";
import { buildApp, hasBuild, startApp } from "./next-server";
import { writeBenchResult } from "./result-file";
import { formatTable, summarize } from "./stats";
import { createThrowawayDatabase } from "./throwaway-database";

const { values: args } = parseArgs({
  options: {
    flows: { type: "string", default: "200" },
    warmup: { type: "string", default: "10" },
    "flows-per-user": { type: "string", default: "5" },
    smtp: { type: "string", default: "per-message" },
    "accounts-read": { type: "string", default: "on" },
    server: { type: "string", default: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const FLOWS = Number(args.flows);
const WARMUP = Number(args.warmup);
// The connect rate limit is 5 per 10 minutes per user: never more flows than that per user.
const FLOWS_PER_USER = Math.min(5, Number(args["flows-per-user"]));
const SKIP_BUILD = process.env.BENCH_SKIP_BUILD === "1";
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3500);
const SMTP_MODE = args.smtp;
if (SMTP_MODE !== "per-message" && SMTP_MODE !== "pooled") throw new Error("--smtp must be per-message (as the e2e suite) or pooled");
const ACCOUNTS_READ = args["accounts-read"];
if (ACCOUNTS_READ !== "on" && ACCOUNTS_READ !== "off") throw new Error("--accounts-read must be on (as shipped) or off");
if (![FLOWS, WARMUP, FLOWS_PER_USER, PORT_BASE].every((n) => Number.isInteger(n) && n >= 0) || FLOWS < 1 || FLOWS_PER_USER < 1) {
  throw new Error("--flows, --warmup, --flows-per-user and BENCH_PORT_BASE must be whole numbers (flows ≥ 1)");
}

// e2e-env derives the ports and the e2e secrets from E2E_PORT_BASE when it loads.
process.env.E2E_PORT_BASE = String(PORT_BASE);
const { e2eEnv, E2E_PORTS } = await import("../../e2e/support/e2e-env");
const distDir = process.env.BENCH_DIST_DIR ?? (PORT_BASE === 3500 ? ".next-bench" : `.next-bench-${PORT_BASE}`);
const APP_URL = e2eEnv.APP_URL;

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.log("\ninterrupted: stopping after the current flow");
});

const database = await createThrowawayDatabase({ serverUrl: args.server, label: "connect" });
console.log(`database ${database.name} created`);
Object.assign(process.env, e2eEnv, {
  DATABASE_URL: database.url,
  // per-message: a new SMTP connection per email, as the e2e suite; pooled: nodemailer keeps them open.
  SMTP_URL: SMTP_MODE === "pooled" ? `${e2eEnv.SMTP_URL}?pool=true` : e2eEnv.SMTP_URL,
  NEXT_DIST_DIR: distDir,
  // Production's default: every event's log line is written (to .bench/connect-server.log).
  LOG_LEVEL: "info",
  SANDBOX_BANK_ACCOUNTS: ACCOUNTS_READ,
});
// The end-to-end roles are not this run's: the app and its migrations use the throwaway database
// as its owner (as bench:pages does).
delete process.env.DATABASE_MIGRATION_URL;

const cleanups: Array<() => Promise<unknown>> = [];
try {
  const { closeDb, getDb, queryRows } = await import("../../lib/db/client");
  const { migrateDatabase } = await import("../../lib/db/migrate");
  cleanups.push(closeDb);
  await migrateDatabase();

  let buildSeconds: number | null = null;
  if (SKIP_BUILD) {
    if (!hasBuild(distDir)) throw new Error(`BENCH_SKIP_BUILD=1 but ${distDir} holds no build: run once without it`);
    console.log(`reusing the build in ${distDir}`);
  } else {
    console.log(`next build into ${distDir} …`);
    buildSeconds = Number(buildApp().toFixed(1));
  }

  const { startSmtpCapture } = await import("../../test/support/smtp-capture");
  const smtp = await startSmtpCapture({ port: E2E_PORTS.smtp, parse: false });
  cleanups.push(() => smtp.close());
  const { getEnv } = await import("../../lib/env");
  const { startSandboxBankFromEnv } = await import("../sandbox-bank-from-env");
  const bank = await startSandboxBankFromEnv(getEnv(), { quiet: true });
  cleanups.push(() => bank.close());
  mkdirSync(".bench", { recursive: true });
  const app = await startApp({ port: E2E_PORTS.app, appUrl: APP_URL, logFile: path.join(".bench", "connect-server.log") });
  cleanups.push(() => app.stop());
  console.log(`app on ${APP_URL} (build ${distDir}, pid ${app.pid}), Sandbox Bank on ${bank.issuer}, SMTP capture on :${smtp.port}`);

  // Sessions as Auth.js's database strategy stores them: a row and a cookie, no email round trip.
  const { sessions, users } = await import("../../lib/db/schema");
  const db = await getDb();
  const total = WARMUP + FLOWS;
  const people = Array.from({ length: Math.ceil(total / FLOWS_PER_USER) }, (_, i) => ({
    id: randomUUID(),
    email: `bench-connect-${i}-${randomBytes(3).toString("hex")}@bench.ledgerlink.test`,
    sessionToken: randomBytes(32).toString("hex"),
  }));
  await db.insert(users).values(people.map(({ id, email }) => ({ id, email, name: "Bench User" })));
  await db
    .insert(sessions)
    .values(people.map(({ id, sessionToken }) => ({ sessionToken, userId: id, expires: new Date(Date.now() + 24 * 3600 * 1000) })));
  // Over plain http Auth.js names the cookie without the __Secure- prefix.
  const cookieFor = (i: number) => `authjs.session-token=${people[Math.floor(i / FLOWS_PER_USER)]!.sessionToken}`;

  const timings: FlowTiming[] = [];
  const windows: CallbackWindow[] = [];
  let flowsRun = 0;
  const machineBefore = machineBusyCpuSeconds();
  const started = performance.now();
  for (let i = 0; i < total && !interrupted; i += 1) {
    try {
      const flow = await connectFlow({ appUrl: APP_URL, bankUrl: bank.issuer, cookie: cookieFor(i), login: `bench-${i}` });
      flowsRun += 1;
      if (i >= WARMUP) {
        timings.push(flow.timing);
        windows.push(flow);
      }
    } catch (error) {
      if (error instanceof FlowError) throw new Error(`flow ${i + 1}: ${error.message}`);
      throw error;
    }
    if ((i + 1) % 50 === 0) console.log(`  ${i + 1}/${total} flows`);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const machineAfter = machineBusyCpuSeconds();
  // How busy both cores were meanwhile (these flows use well under one): a noise gauge.
  const machineBusyCores = machineBefore === null || machineAfter === null ? null : Number(((machineAfter - machineBefore) / wallSeconds).toFixed(2));

  // What the flows left behind: each one activated a connection, was audited and emailed.
  const { sql } = await import("drizzle-orm");
  await smtp.waitFor(flowsRun, { timeoutMs: 30_000 }).catch(() => undefined);
  const countRows = async () => {
    const [row] = await queryRows<{ active: number; connected: number; failed: number; reads: number; readsSucceeded: number }>(
      db,
      sql`select
        (select count(*)::int from provider_connections where status = 'active') as active,
        (select count(*)::int from audit_logs where action = 'provider_connected') as connected,
        (select count(*)::int from audit_logs where action = 'provider_connection_failed') as failed,
        (select count(*)::int from account_reads) as reads,
        (select count(*)::int from account_reads where outcome = 'succeeded') as "readsSucceeded"`,
    );
    return row;
  };
  // The background reads finish after the last redirect: give them a moment before counting.
  let check = await countRows();
  for (let wait = 0; ACCOUNTS_READ === "on" && (check?.readsSucceeded ?? 0) < flowsRun && wait < 100; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    check = await countRows();
  }
  const checks = {
    flowsRun,
    activeConnections: check?.active ?? 0,
    auditProviderConnected: check?.connected ?? 0,
    auditConnectionFailed: check?.failed ?? 0,
    connectedEmailsCaptured: smtp.received,
    accountReads: check?.reads ?? 0,
    accountReadsSucceeded: check?.readsSucceeded ?? 0,
  };
  const breakdown = await callbackBreakdown(db, windows);

  const spans = {
    actionToRedirect: summarize(timings.map((t) => t.actionMs)),
    callbackToRenderedDashboard: summarize(timings.map((t) => t.callbackToDashboardMs)),
    callbackToRedirect: summarize(timings.map((t) => t.callbackMs)),
    dashboardRender: summarize(timings.map((t) => t.dashboardMs)),
    connectionsPageBeforeConnect: summarize(timings.map((t) => t.pageMs)),
    consentAtBankNotCounted: summarize(timings.map((t) => t.consentMs)),
  };
  console.log(
    `\n${timings.length} measured flows (after ${WARMUP} warm-up), one at a time, ${wallSeconds.toFixed(1)} s in all; ` +
      `accounts read after connect: ${ACCOUNTS_READ}\n`,
  );
  console.log(
    formatTable([
      { label: "Connect action → 303 to the bank", summary: spans.actionToRedirect },
      { label: "callback → rendered dashboard", summary: spans.callbackToRenderedDashboard },
      { label: "  callback → its redirect", summary: spans.callbackToRedirect },
      { label: "  dashboard GET, whole page", summary: spans.dashboardRender },
      { label: "GET /connections before Connect", summary: spans.connectionsPageBeforeConnect },
      { label: "consent at the bank (not counted)", summary: spans.consentAtBankNotCounted },
    ]),
  );
  console.log(`\nthe callback, from the rows it wrote (ms resolution, ${breakdown.flowsMatched} flows):\n`);
  console.log(
    formatTable([
      { label: "session, state, code exchange", summary: breakdown.toCodeExchanged },
      { label: "activate (transaction), redirect back", summary: breakdown.activateAndRespond },
      { label: "after the response: handlers start", summary: breakdown.handlersStart },
      { label: "after the response: audit, email render", summary: breakdown.auditAndEmailRender },
      { label: "after the response: email over SMTP", summary: breakdown.emailSmtp },
    ]),
  );
  console.log(`\nchecks: ${JSON.stringify(checks)}; machine busy meanwhile: ${machineBusyCores ?? "?"} of ${os.cpus().length} cores`);

  const file = writeBenchResult("connect", {
    flows: timings.length,
    warmup: WARMUP,
    flowsPerUser: FLOWS_PER_USER,
    smtp: SMTP_MODE,
    accountsRead: ACCOUNTS_READ,
    interrupted,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    machineBusyCores,
    app: { url: APP_URL, build: distDir, buildReused: SKIP_BUILD, buildSeconds, bank: bank.issuer, database: database.name },
    spans,
    callbackBreakdown: breakdown,
    checks,
    samplesMs: Object.fromEntries(
      (Object.keys(timings[0] ?? {}) as Array<keyof FlowTiming>).map((key) => [key, timings.map((t) => Number(t[key].toFixed(2)))]),
    ),
  });
  console.log(`written to ${path.relative(process.cwd(), file)}`);

  // With the read on, every flow's accounts were read (all of them, warm-up included); off, none was tried.
  const readsAsExpected = ACCOUNTS_READ === "on" ? checks.accountReadsSucceeded === flowsRun : checks.accountReads === 0;
  const ok =
    !interrupted && checks.activeConnections === flowsRun && checks.auditProviderConnected === flowsRun && checks.auditConnectionFailed === 0 && readsAsExpected;
  if (!ok) {
    console.error("the flows did not all end in an active, audited connection (see checks)");
    process.exitCode = 1;
  }
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => console.error("cleanup failed:", error));
  }
  await database.drop();
  console.log(`database ${database.name} dropped`);
}
