/**
 * `npm test`: every test, in the order that fails fastest.
 *   1. unit tests (Vitest)
 *   2. integration tests on embedded PGlite
 *   3. the same integration tests on a fresh PostgreSQL database (TEST_DATABASE_URL,
 *      default postgres://postgres@127.0.0.1:5432/postgres; skipped with a warning when
 *      no server answers, except in CI where that is a failure)
 *   4. end-to-end tests in Chromium (Playwright), against Postgres
 * Ends with one line counting every test: "total: N passed, N failed".
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

import postgres from "postgres";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const reportDir = path.resolve(".data", "test-reports");
mkdirSync(reportDir, { recursive: true });

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const totals: Counts = { passed: 0, failed: 0, skipped: 0 };
const stages: string[] = [];

function run(name: string, command: string[], env: Record<string, string>, report: string, count: (file: string) => Counts) {
  const started = performance.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command[0]!, command.slice(1), { stdio: "inherit", env: { ...process.env, ...env } });
  let counts: Counts = { passed: 0, failed: result.status === 0 ? 0 : 1, skipped: 0 };
  try {
    counts = count(report);
    if (result.status !== 0 && counts.failed === 0) counts.failed = 1; // a crash outside any test
  } catch {
    // no report: the runner died before writing it; counted as one failure above
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  stages.push(`${result.status === 0 ? "✓" : "✗"} ${name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
  return result.status === 0;
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

function vitest(project: string, label: string, env: Record<string, string> = {}) {
  const report = path.join(reportDir, `vitest-${label}.json`);
  return run(
    label,
    ["npx", "vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    env,
    report,
    vitestCounts,
  );
}

async function postgresReachable(): Promise<boolean> {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

let ok = vitest("unit", "unit tests");
ok = vitest("integration", "integration tests (PGlite)", { DATABASE_URL: "" }) && ok;

if (await postgresReachable()) {
  const name = `ledgerlink_test_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    ok = vitest("integration", "integration tests (PostgreSQL)", { DATABASE_URL: url.toString() }) && ok;
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }

  const report = path.join(reportDir, "playwright.json");
  ok =
    run("end-to-end tests (Chromium)", ["npx", "playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_FILE: report }, report, playwrightCounts) &&
    ok;
} else {
  const message = `PostgreSQL is not reachable at ${adminUrl}: the PostgreSQL integration run and the end-to-end tests need it (set TEST_DATABASE_URL).`;
  if (process.env.CI) {
    stages.push(`✗ ${message}`);
    totals.failed += 1;
    ok = false;
  } else {
    stages.push(`⚠ skipped: ${message}`);
  }
}

console.log(`\n${stages.join("\n")}`);
console.log(`total: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
