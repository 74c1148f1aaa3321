/**
 * The PostgreSQL server a test run uses, in this order:
 * 1. TEST_DATABASE_URL when set (CI sets it to the machine's server); never replaced.
 * 2. the conventional local server, postgres://postgres@127.0.0.1:5432/postgres, if it answers;
 * 3. otherwise an embedded PostgreSQL 17 started for this run (./embedded-postgres.ts).
 * So the PostgreSQL-only guarantees (row locks, SKIP LOCKED, the audit chain under
 * concurrency) and the end-to-end tests run on every machine, never skipped.
 */
import postgres from "postgres";

import { startEmbeddedPostgres } from "./embedded-postgres";
import type { RunningServer } from "./running-server";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestPostgres extends RunningServer {
  /** How it was found, for the run's summary. */
  source: string;
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The URL with its password masked, for messages and logs. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

export async function provideTestPostgres(configured: string | undefined): Promise<TestPostgres> {
  const nothingToStop = async () => {};
  if (configured) {
    if (!(await answers(configured))) throw new Error(`TEST_DATABASE_URL does not answer: ${withoutPassword(configured)}`);
    return { url: configured, source: `TEST_DATABASE_URL (${withoutPassword(configured)})`, stop: nothingToStop };
  }
  if (await answers(DEFAULT_TEST_DATABASE_URL)) {
    return { url: DEFAULT_TEST_DATABASE_URL, source: `the local server (${DEFAULT_TEST_DATABASE_URL})`, stop: nothingToStop };
  }
  const started = performance.now();
  const embedded = await startEmbeddedPostgres();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const port = new URL(embedded.url).port;
  return { ...embedded, source: `embedded PostgreSQL 17 on 127.0.0.1:${port} (none at ${DEFAULT_TEST_DATABASE_URL}; started in ${seconds} s)` };
}
