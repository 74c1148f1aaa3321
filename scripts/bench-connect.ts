/**
 * `npm run bench:connect [-- --flows 200 --warmup 10 --server postgres://postgres@127.0.0.1:5432/postgres]`
 *
 * Issue 4's Performance figure: the time from the Connect action to the redirect, and from
 * the callback to the rendered dashboard, over 200 flows driven without a browser.
 *
 * The real app is started the way scripts/e2e-server.ts starts it — a production build
 * (`next build` into its own folder, reused with BENCH_SKIP_BUILD=1) served by `next start`,
 * the Sandbox Bank on its own origin, an SMTP capture for the "connected" emails — on ports
 * from BENCH_PORT_BASE (default 3500: app 3500, bank 3501, SMTP 3525) and on a throwaway
 * Postgres database created and dropped here. Each flow acts as a browser without
 * JavaScript: it loads /connections with a session cookie, posts the Connect form as
 * multipart form data with the `$ACTION_…` fields React rendered into it (answer: 303 to
 * the bank), consents at the bank (not timed), then requests the callback and follows its
 * redirect to the rendered dashboard. One flow at a time: these are latencies, not load.
 *
 * Writes `.bench/connect.json`; the Next server's own log goes to `.bench/connect-server.log`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { findForm, textsByRole } from "./bench/html-form";
import { writeBenchResult } from "./bench/result-file";
import { formatTable, summarize } from "./bench/stats";
import { createThrowawayDatabase } from "./bench/throwaway-database";

const { values: args } = parseArgs({
  options: {
    flows: { type: "string", default: "200" },
    warmup: { type: "string", default: "10" },
    "flows-per-user": { type: "string", default: "5" },
    server: { type: "string", default: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const FLOWS = Number(args.flows);
const WARMUP = Number(args.warmup);
// The connect rate limit is 5 per 10 minutes per user: never more flows than that per user.
const FLOWS_PER_USER = Math.min(5, Number(args["flows-per-user"]));
const SKIP_BUILD = process.env.BENCH_SKIP_BUILD === "1";
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3500);
if (![FLOWS, WARMUP, FLOWS_PER_USER, PORT_BASE].every((n) => Number.isInteger(n) && n >= 0) || FLOWS < 1 || FLOWS_PER_USER < 1) {
  throw new Error("--flows, --warmup, --flows-per-user and BENCH_PORT_BASE must be whole numbers (flows ≥ 1)");
}

// e2e-env derives every port, the build folder and the secrets from E2E_PORT_BASE when it loads.
process.env.E2E_PORT_BASE = String(PORT_BASE);
const { e2eEnv, E2E_PORTS } = await import("../e2e/support/e2e-env");
const distDir = process.env.BENCH_DIST_DIR ?? (PORT_BASE === 3500 ? ".next-bench" : `.next-bench-${PORT_BASE}`);
const APP_URL = e2eEnv.APP_URL;
const BROWSER_HEADERS = {
  accept: "text/html,application/xhtml+xml",
  "user-agent": "ledgerlink-bench-connect (no JavaScript)",
};

interface FlowTiming {
  /** GET /connections before pressing Connect (to read the form). */
  pageMs: number;
  /** POST of the Connect form → the 303 to the bank. */
  actionMs: number;
  /** At the bank, not part of the figures. */
  consentMs: number;
  /** GET /connections/callback/sandbox-bank → its redirect. */
  callbackMs: number;
  /** GET of the redirect target → the whole rendered page. */
  dashboardMs: number;
  callbackToDashboardMs: number;
}

class FlowError extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FlowError(message);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

/** One Connect flow, as a browser without JavaScript would run it. */
async function connectFlow({ cookie, login }: { cookie: string; login: string }): Promise<FlowTiming> {
  const { authorizeInSandboxBank } = await import("../lib/providers/sandbox-bank/consent-driver");
  const headers = { ...BROWSER_HEADERS, cookie };

  const [page, pageMs] = await timed(async () => {
    const response = await fetch(`${APP_URL}/connections`, { headers, redirect: "manual" });
    return { status: response.status, html: await response.text() };
  });
  expect(page.status === 200, `GET /connections answered ${page.status} (is the session cookie accepted?)`);
  const form = findForm(page.html, "Connect Sandbox Bank");
  expect(form, "no form named “Connect Sandbox Bank” on /connections");
  expect(form.method === "post", `the Connect form's method is ${form.method}, not post`);
  expect(
    form.fields.some(([name]) => name.startsWith("$ACTION_")),
    "the Connect form carries no $ACTION_ field: it would not work without JavaScript",
  );

  const body = new FormData();
  for (const [name, value] of form.fields) body.append(name, value);
  const actionUrl = new URL(form.action ?? "", `${APP_URL}/connections`);
  const [action, actionMs] = await timed(async () => {
    const response = await fetch(actionUrl, {
      method: "POST",
      headers: { ...headers, origin: APP_URL },
      body,
      redirect: "manual",
    });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get("location") };
  });
  expect(action.status === 303, `the Connect action answered ${action.status}, not 303`);
  const authorizationUrl = new URL(action.location ?? "", APP_URL);
  expect(
    authorizationUrl.origin === e2eEnv.SANDBOX_BANK_URL && authorizationUrl.pathname === "/auth",
    `the Connect action redirected to ${authorizationUrl.origin}${authorizationUrl.pathname}, not to the bank's /auth`,
  );

  const [callbackUrl, consentMs] = await timed(() => authorizeInSandboxBank(authorizationUrl, { username: login }));
  expect(
    callbackUrl.origin === APP_URL && callbackUrl.pathname === "/connections/callback/sandbox-bank" && callbackUrl.searchParams.has("code"),
    `the bank sent the browser to ${callbackUrl.origin}${callbackUrl.pathname} without a code`,
  );

  const [callback, callbackMs] = await timed(async () => {
    const response = await fetch(callbackUrl, { headers, redirect: "manual" });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get("location") };
  });
  expect(callback.status >= 300 && callback.status < 400 && callback.location, `the callback answered ${callback.status} without a redirect`);
  const landing = new URL(callback.location, APP_URL);
  expect(
    landing.pathname === "/connections" && landing.searchParams.has("connected"),
    `the callback sent the browser to ${landing.pathname}${landing.search.replace(/code=[^&]*/, "code=…")}`,
  );

  const [dashboard, dashboardMs] = await timed(async () => {
    const response = await fetch(landing, { headers, redirect: "manual" });
    return { status: response.status, html: await response.text() };
  });
  expect(dashboard.status === 200, `the dashboard answered ${dashboard.status}`);
  const statuses = textsByRole(dashboard.html, "status");
  expect(statuses.includes("Sandbox Bank connected."), `the dashboard shows no “Sandbox Bank connected.” (status: ${JSON.stringify(statuses)})`);

  return { pageMs, actionMs, consentMs, callbackMs, dashboardMs, callbackToDashboardMs: callbackMs + dashboardMs };
}

async function waitForHealth(server: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode} (see .bench/connect-server.log)`);
    try {
      const response = await fetch(`${APP_URL}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the app did not answer ${APP_URL}/api/health within ${timeoutMs / 1000} s`);
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
    server.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    server.kill("SIGTERM");
  });
}

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.log("\ninterrupted: stopping after the current flow");
});

const database = await createThrowawayDatabase({ serverUrl: args.server, label: "connect" });
console.log(`database ${database.name} created`);
Object.assign(process.env, e2eEnv, {
  DATABASE_URL: database.url,
  NEXT_DIST_DIR: distDir,
  // Production's default: every event's log line is written (to .bench/connect-server.log).
  LOG_LEVEL: "info",
});

const cleanups: Array<() => Promise<unknown>> = [];
try {
  const { closeDb, getDb } = await import("../lib/db/client");
  const { migrateDatabase } = await import("../lib/db/migrate");
  cleanups.push(closeDb);
  await migrateDatabase();

  const nextBin = path.resolve("node_modules/next/dist/bin/next");
  let buildSeconds: number | null = null;
  if (SKIP_BUILD) {
    if (!existsSync(path.join(distDir, "BUILD_ID"))) throw new Error(`BENCH_SKIP_BUILD=1 but ${distDir} holds no build: run once without it`);
    console.log(`reusing the build in ${distDir}`);
  } else {
    console.log(`next build into ${distDir} …`);
    const started = performance.now();
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: process.env });
    if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
    buildSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  }

  const { startSmtpCapture } = await import("../test/support/smtp-capture");
  const smtp = await startSmtpCapture({ port: E2E_PORTS.smtp, parse: false });
  cleanups.push(() => smtp.close());
  const { getEnv } = await import("../lib/env");
  const { startSandboxBankFromEnv } = await import("./sandbox-bank-from-env");
  const bank = await startSandboxBankFromEnv(getEnv(), { quiet: true });
  cleanups.push(() => bank.close());

  mkdirSync(".bench", { recursive: true });
  const log = openSync(path.join(".bench", "connect-server.log"), "w");
  const server = spawn(process.execPath, [nextBin, "start", "--port", String(E2E_PORTS.app)], {
    env: process.env,
    stdio: ["ignore", log, log],
  });
  cleanups.push(() => stopServer(server));
  await waitForHealth(server, 60_000);
  console.log(`app on ${APP_URL} (build ${distDir}), Sandbox Bank on ${bank.issuer}, SMTP capture on :${smtp.port}`);

  // Bench users with a session each, as Auth.js's database strategy stores it: no email round trip.
  const { sessions, users } = await import("../lib/db/schema");
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
  const started = performance.now();
  for (let i = 0; i < total && !interrupted; i += 1) {
    let timing: FlowTiming;
    try {
      timing = await connectFlow({ cookie: cookieFor(i), login: `bench-${i}` });
    } catch (error) {
      if (error instanceof FlowError) throw new Error(`flow ${i + 1}: ${error.message}`);
      throw error;
    }
    if (i >= WARMUP) timings.push(timing);
    if ((i + 1) % 50 === 0) console.log(`  ${i + 1}/${total} flows`);
  }
  const wallSeconds = (performance.now() - started) / 1000;

  // What the flows left behind: every measured flow activated a connection and was audited.
  const { sql } = await import("drizzle-orm");
  const { queryRows } = await import("../lib/db/client");
  const [check] = await queryRows<{ active: number; connected: number; failed: number }>(
    db,
    sql`select
      (select count(*)::int from provider_connections where status = 'active') as active,
      (select count(*)::int from audit_logs where action = 'provider_connected') as connected,
      (select count(*)::int from audit_logs where action = 'provider_connection_failed') as failed`,
  );
  const flowsRun = timings.length + Math.min(WARMUP, total);
  await smtp.waitFor(flowsRun, { timeoutMs: 30_000 }).catch(() => undefined);
  const checks = {
    flowsRun,
    activeConnections: check?.active ?? 0,
    auditProviderConnected: check?.connected ?? 0,
    auditConnectionFailed: check?.failed ?? 0,
    connectedEmailsCaptured: smtp.received,
  };

  const spans = {
    actionToRedirect: summarize(timings.map((t) => t.actionMs)),
    callbackToRenderedDashboard: summarize(timings.map((t) => t.callbackToDashboardMs)),
    callbackToRedirect: summarize(timings.map((t) => t.callbackMs)),
    dashboardRender: summarize(timings.map((t) => t.dashboardMs)),
    connectionsPageBeforeConnect: summarize(timings.map((t) => t.pageMs)),
    consentAtBankNotCounted: summarize(timings.map((t) => t.consentMs)),
  };
  console.log(`\n${timings.length} measured flows (after ${WARMUP} warm-up), one at a time, ${wallSeconds.toFixed(1)} s in all:\n`);
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
  console.log(`\nchecks: ${JSON.stringify(checks)}`);

  const file = writeBenchResult("connect", {
    flows: timings.length,
    warmup: WARMUP,
    flowsPerUser: FLOWS_PER_USER,
    interrupted,
    app: { url: APP_URL, build: distDir, buildReused: SKIP_BUILD, buildSeconds, bank: bank.issuer, database: database.name },
    spans,
    checks,
    samplesMs: Object.fromEntries(
      (Object.keys(timings[0] ?? {}) as Array<keyof FlowTiming>).map((key) => [key, timings.map((t) => Number(t[key].toFixed(2)))]),
    ),
  });
  console.log(`written to ${path.relative(process.cwd(), file)}`);

  const ok = !interrupted && checks.activeConnections === flowsRun && checks.auditProviderConnected === flowsRun && checks.auditConnectionFailed === 0;
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
