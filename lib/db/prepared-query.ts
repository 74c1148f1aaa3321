import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

import type { Executor } from "./client";

const dialect = new PgDialect();

/**
 * Runs a statement whose text never changes as a named prepared statement where the driver
 * allows it, and answers its rows (as `queryRows` does).
 *
 * Drizzle sends raw SQL (`db.execute`) unnamed: postgres.js then makes two round trips per
 * statement (it asks the server for the parameter types before binding) and the server parses
 * and plans the text every time. Prepared by name, it is parsed once per connection and each
 * later run is one round trip. postgres.js keeps one statement per distinct text and
 * connection, so only fixed texts belong here (a text that varies with its input would fill
 * the server's memory). Behind a transaction-mode pooler the client is configured with
 * `prepare: false` (./client.ts) and this sends the statement unnamed, as `db.execute` does.
 * PGlite has no use for names and runs it as usual.
 */
export async function queryPrepared<T extends Record<string, unknown>>(executor: Executor, query: SQL): Promise<T[]> {
  // A name marks the query as prepared (postgres.js names the statement itself, per text).
  const prepared = executor._.session.prepareQuery(dialect.sqlToQuery(query), undefined, "ledgerlink", false);
  const result: unknown = await prepared.execute();
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
