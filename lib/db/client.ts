/**
 * One database client for the whole app: postgres.js when DATABASE_URL is set (directly
 * or through a transaction-mode pooler, see ./pooler.ts), embedded PGlite in
 * `<DATA_DIR>/pglite` otherwise (development and tests only).
 * Both speak the same SQL and take the same migrations from `drizzle/`.
 */
import path from "node:path";

import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

import { env } from "../env";
import { postgresTarget } from "./pooler";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything queries can run on: the database or a transaction. */
export type Executor = Database | Transaction;

interface Handle {
  db: Database;
  kind: "pglite" | "postgres";
  close: () => Promise<void>;
}

/** postgres.js's URL and options for DATABASE_URL (exported for the pooler's integration test). */
export function postgresClientConfig(databaseUrl: string) {
  const target = postgresTarget(databaseUrl, env.DATABASE_POOLER);
  return {
    url: target.url,
    options: {
      max: env.isProduction ? 5 : 10,
      // Behind a transaction-mode pooler a statement prepared by name may be missing on the
      // next transaction's server connection: postgres.js then sends unnamed ones. (Drizzle's
      // queries are unnamed anyway, except `.prepare(name)`, which the app does not use.)
      prepare: target.prepare,
      connect_timeout: 5,
      onnotice: () => {},
    },
  };
}

// Kept on globalThis so Next's hot reload in development does not open a second
// PGlite on the same folder (PGlite does not lock it) or leak postgres pools.
const globalForDb = globalThis as typeof globalThis & { __ledgerlinkDb?: Promise<Handle> };

async function open(): Promise<Handle> {
  if (env.DATABASE_URL) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { url, options } = postgresClientConfig(env.DATABASE_URL);
    const client = postgres(url, options);
    return {
      db: drizzle({ client, schema }) as unknown as Database,
      kind: "postgres",
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (env.isProduction) throw new Error("DATABASE_URL is required in production");
  // Development and tests only. `webpackIgnore` (honoured by Turbopack too) leaves these
  // imports to Node at run time, so the bundler does not follow them and PGlite's 20 MB are
  // traced into no production function, instrumentation's trace included, which
  // `outputFileTracingExcludes` does not reach (docs/DESIGN.md §7).
  const { PGlite } = await import(/* webpackIgnore: true */ "@electric-sql/pglite");
  const { drizzle } = await import(/* webpackIgnore: true */ "drizzle-orm/pglite");
  const client = await PGlite.create(path.resolve(env.DATA_DIR, "pglite"));
  return {
    db: drizzle({ client, schema }) as unknown as Database,
    kind: "pglite",
    close: () => client.close(),
  };
}

function handle(): Promise<Handle> {
  globalForDb.__ledgerlinkDb ??= open().catch((error: unknown) => {
    globalForDb.__ledgerlinkDb = undefined; // let the next call try again (e.g. Postgres came back)
    throw error;
  });
  return globalForDb.__ledgerlinkDb;
}

/** The shared database client, opened on first use. */
export async function getDb(): Promise<Database> {
  return (await handle()).db;
}

export async function databaseKind(): Promise<Handle["kind"]> {
  return (await handle()).kind;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.__ledgerlinkDb;
  globalForDb.__ledgerlinkDb = undefined;
  if (current) await (await current).close();
}

/** `execute()` answers `{ rows }` on PGlite and an array on postgres.js; this evens it out. */
export async function queryRows<T extends Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
