/**
 * A Postgres database that lives for one benchmark run: created empty on the server,
 * dropped (with force) at the end, whatever happened in between.
 */
import { randomBytes } from "node:crypto";

import postgres from "postgres";

export interface ThrowawayDatabase {
  name: string;
  /** The server URL with this database as its path. */
  url: string;
  drop(): Promise<void>;
}

/**
 * The start of every throwaway database's name: `BENCH_DATABASE_PREFIX`, default
 * `ledgerlink_bench`. People sharing one server set their own, to tell their runs apart.
 */
export function benchDatabasePrefix(): string {
  const prefix = process.env.BENCH_DATABASE_PREFIX ?? "ledgerlink_bench";
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error("BENCH_DATABASE_PREFIX must be lower-case letters, digits and _ (at most 31)");
  return prefix;
}

export async function createThrowawayDatabase({ serverUrl, label }: { serverUrl: string; label: string }): Promise<ThrowawayDatabase> {
  const name = `${benchDatabasePrefix()}_${label}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    throw new Error(`could not create a database on ${new URL(serverUrl).host}: is PostgreSQL running?`, { cause: error });
  }
  let dropped = false;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
