/**
 * `npm test`: every test, in the order that fails fastest.
 *   1. unit tests (Vitest)
 *   2. integration tests on embedded PGlite
 *   3. the same integration tests on a fresh PostgreSQL database: TEST_DATABASE_URL's server,
 *      else the local one (postgres://postgres@127.0.0.1:5432/postgres), else an embedded
 *      PostgreSQL 17 started for this run (scripts/test-servers/test-postgres.ts)
 *   4. the same integration tests once more through PgBouncer in transaction mode, as a
 *      serverless deployment reaches a managed Postgres (skipped with a line when pgbouncer
 *      is not installed, except in CI where that is a failure)
 *   5. end-to-end tests in Chromium (Playwright), against the same PostgreSQL server, then
 *      the size of that production build's function traces (scripts/trace-sizes.ts)
 *   6. one end-to-end test of `npm run dev` itself (playwright.dev.config.ts: next dev, PGlite,
 *      the development mailbox and its preview, nothing configured)
 * Ends with one line counting every test: "total: N passed, N failed".
 *
 * Three lanes run side by side, so both cores stay at work while a stage waits on a timer, a
 * socket or a browser (one stage alone leaves a core mostly idle): the PGlite lane (stages 1–2),
 * the PostgreSQL lane (stages 3–4, one after the other: they share a pair of app and Sandbox
 * Bank ports) and the browser lane (stages 5–6). Each lane has ports of its own. Each output
 * line is prefixed with its lane's name.
 *
 * The integration tests use four ports from their app's (the app, the Sandbox Bank, a second bank
 * and a stub token endpoint): 3200–3203 in the PGlite lane and 3210–3213 in the PostgreSQL lane;
 * with E2E_PORT_BASE set (two runs on one machine), E2E_PORT_BASE+40–43 and +50–53.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

import postgres from "postgres";

import * as e2eSettings from "../e2e/support/e2e-env";
import { findPgBouncer, startPgBouncer } from "./test-servers/pgbouncer";
import { provideTestPostgres, type TestPostgres } from "./test-servers/test-postgres";

const reportDir = path.resolve(".data", "test-reports");
mkdirSync(reportDir, { recursive: true });
const inCi = Boolean(process.env.CI);

const portBase = process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) : undefined;
/** The integration tests' app and Sandbox Bank origins for one lane (test/global-setup.ts reads them). */
function integrationOrigins(offset: number): Record<string, string> {
  const first = (portBase ? portBase + 40 : 3200) + offset;
  return { TEST_APP_URL: `http://localhost:${first}`, TEST_SANDBOX_BANK_URL: `http://localhost:${first + 1}` };
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const totals: Counts = { passed: 0, failed: 0, skipped: 0 };

type Lane = "pglite" | "pg" | "browser";
const laneStages: Record<Lane, string[]> = { pglite: [], pg: [], browser: [] };

/** Runs `command`, each line of its output prefixed with the lane's name; resolves with its exit code. */
function spawnInLane(lane: Lane, command: string[], env: Record<string, string> = {}): Promise<number | null> {
  const prefix = `${lane.padEnd(7)}│ `;
  const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  const pipeLines = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => createInterface({ input: stream }).on("line", (line) => out.write(`${prefix}${line}\n`)).on("close", resolve));
  const output = Promise.all([pipeLines(child.stdout, process.stdout), pipeLines(child.stderr, process.stderr)]);
  return new Promise((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code) => void output.then(() => resolve(code)));
  });
}

async function run(lane: Lane, name: string, command: string[], env: Record<string, string>, report: string, count: (file: string) => Counts): Promise<boolean> {
  const started = performance.now();
  console.log(`\n${lane.padEnd(7)}│ ▶ ${name}`);
  const status = await spawnInLane(lane, command, env);
  let counts: Counts = { passed: 0, failed: status === 0 ? 0 : 1, skipped: 0 };
  try {
    counts = count(report);
    if (status !== 0 && counts.failed === 0) counts.failed = 1; // a crash outside any test
  } catch {
    // no report: the runner died before writing it; counted as one failure above
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  laneStages[lane].push(`${status === 0 ? "✓" : "✗"} ${name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
  return status === 0;
}

/** A problem outside any test runner (a server that did not start): one failure, or a skip line outside CI. */
function problem(lines: string[], message: string, { skippable = false } = {}): boolean {
  if (skippable && !inCi) {
    lines.push(`⚠ skipped: ${message}`);
    return true;
  }
  lines.push(`✗ ${message}`);
  totals.failed += 1;
  return false;
}

function vitestCounts(file: string): Counts {
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function playwrightCounts(file: string): Counts {
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
}

function vitest(lane: Lane, project: string, label: string, file: string, env: Record<string, string> = {}) {
  const report = path.join(reportDir, `vitest-${file}.json`);
  return run(
    lane,
    label,
    ["npx", "vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    env,
    report,
    vitestCounts,
  );
}

/** Runs `body` on a fresh database on the server, dropped afterwards. */
async function withFreshDatabase<T>(serverUrl: string, suffix: string, body: (url: string) => Promise<T>): Promise<T> {
  const name = `ledgerlink_test_${process.pid}_${suffix}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await body(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/**
 * Stage 4: migrations on the direct URL (as `npm run db:migrate` does with
 * DATABASE_MIGRATION_URL), then the integration suite with DATABASE_URL on PgBouncer.
 * `pgbouncer=true` in the URL is how the client learns it is pooled (lib/db/pooler.ts).
 */
async function integrationThroughPgBouncer(serverUrl: string): Promise<boolean> {
  const name = "integration tests (PostgreSQL through PgBouncer, transaction mode)";
  const binary = findPgBouncer();
  if (!binary) return problem(laneStages.pg, `pgbouncer is not installed: ${name} did not run (Debian: apt-get install pgbouncer)`, { skippable: true });
  return withFreshDatabase(serverUrl, "pooled", async (directUrl) => {
    const migrated = await spawnInLane("pg", ["npx", "tsx", "scripts/db-migrate.ts"], { DATABASE_URL: directUrl });
    if (migrated !== 0) return problem(laneStages.pg, `${name}: the migrations on the direct URL failed`);
    let bouncer;
    try {
      bouncer = await startPgBouncer(binary, serverUrl);
    } catch (error) {
      return problem(laneStages.pg, `${name}: ${(error as Error).message}`);
    }
    try {
      const pooledUrl = new URL(bouncer.url);
      pooledUrl.pathname = new URL(directUrl).pathname;
      pooledUrl.searchParams.set("pgbouncer", "true");
      return await vitest("pg", "integration", name, "integration-pgbouncer", {
        ...integrationOrigins(10),
        DATABASE_URL: pooledUrl.toString(),
        DATABASE_MIGRATION_URL: directUrl,
      });
    } finally {
      await bouncer.stop();
    }
  });
}

/**
 * The end-to-end build is a production build: each function's traced files must stay
 * within 8 MB and carry no development-only package (scripts/trace-sizes.ts).
 */
async function productionTraces(): Promise<boolean> {
  const { e2eEnv } = e2eSettings;
  const lines = laneStages.browser;
  if (!existsSync(path.join(e2eEnv.NEXT_DIST_DIR, "server"))) return problem(lines, `production traces: no build in ${e2eEnv.NEXT_DIST_DIR} (the end-to-end stage did not build)`);
  const started = performance.now();
  const status = await spawnInLane("browser", ["npx", "tsx", "scripts/trace-sizes.ts", "--next", "--dir", e2eEnv.NEXT_DIST_DIR, "--top", "1", "--packages", "5"]);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (status === 0) {
    lines.push(`✓ production traces (${e2eEnv.NEXT_DIST_DIR}): every function within 8 MB, no development-only package (${seconds} s)`);
    return true;
  }
  return problem(lines, `production traces (${e2eEnv.NEXT_DIST_DIR}): a function is over 8 MB or carries a development-only package (npm run build:traces)`);
}

const setup: string[] = [];
let server: TestPostgres | undefined;
try {
  server = await provideTestPostgres(process.env.TEST_DATABASE_URL);
  setup.push(`• PostgreSQL: ${server.source}`);
  // The end-to-end suite (e2e/support/e2e-env.ts) reads the server from here too.
  process.env.TEST_DATABASE_URL = server.url;
} catch (error) {
  problem(setup, `no PostgreSQL for the PostgreSQL, PgBouncer and end-to-end stages: ${(error as Error).message}`);
}

/** Stages 1–2: unit, then the integration tests on PGlite. */
async function pgliteLane(): Promise<boolean> {
  const ok = await vitest("pglite", "unit", "unit tests", "unit");
  return (await vitest("pglite", "integration", "integration tests (PGlite)", "integration-pglite", { ...integrationOrigins(0), DATABASE_URL: "" })) && ok;
}

/** Stages 3–4: the integration tests on PostgreSQL, then through PgBouncer. */
async function postgresLane(): Promise<boolean> {
  if (!server) return false;
  const serverUrl = server.url;
  try {
    let ok = await withFreshDatabase(serverUrl, "direct", (url) =>
      vitest("pg", "integration", "integration tests (PostgreSQL)", "integration-postgres", { ...integrationOrigins(10), DATABASE_URL: url }),
    );
    ok = (await integrationThroughPgBouncer(serverUrl)) && ok;
    return ok;
  } catch (error) {
    return problem(laneStages.pg, `the PostgreSQL stages stopped: ${(error as Error).message}`);
  }
}

/** Stages 5–6: the end-to-end tests and their build's traces, then `npm run dev` in Chromium. */
async function browserLane(): Promise<boolean> {
  let ok = true;
  if (server) {
    const report = path.join(reportDir, "playwright.json");
    ok = await run("browser", "end-to-end tests (Chromium)", ["npx", "playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_FILE: report }, report, playwrightCounts);
    ok = (await productionTraces()) && ok;
  }
  // `npm run dev` as a newcomer runs it (next dev, PGlite, dev mailbox, nothing configured): sign
  // in through the mailbox's preview, under the same security headers as every page.
  const report = path.join(reportDir, "playwright-dev.json");
  ok =
    (await run(
      "browser",
      "end-to-end test of npm run dev (Chromium)",
      ["npx", "playwright", "test", "-c", "playwright.dev.config.ts", "--reporter=list,json"],
      { PLAYWRIGHT_JSON_OUTPUT_FILE: report },
      report,
      playwrightCounts,
    )) && ok;
  return ok;
}

const started = performance.now();
let lanes: boolean[];
try {
  lanes = await Promise.all([pgliteLane(), postgresLane(), browserLane()]);
} finally {
  await server?.stop();
}
const ok = setup.every((line) => !line.startsWith("✗")) && lanes.every(Boolean);

console.log(`\n${[...setup, ...laneStages.pglite, ...laneStages.pg, ...laneStages.browser].join("\n")}`);
console.log(`wall time: ${((performance.now() - started) / 1000).toFixed(1)} s (the three lanes side by side)`);
console.log(`total: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
