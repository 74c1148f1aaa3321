import path from "node:path";

import { env } from "../env";
import { databaseKind, getDb } from "./client";
import { migrateAsOwner, type RuntimeGrants } from "./runtime-grants";

const migrationsFolder = path.resolve(process.cwd(), "drizzle");

/**
 * Applies the migrations in `drizzle/` to whichever database the client points at; with
 * DATABASE_MIGRATION_URL, as that (owner) role, then restricts DATABASE_URL's role.
 */
export async function migrateDatabase(): Promise<RuntimeGrants | null> {
  if (env.DATABASE_MIGRATION_URL && env.DATABASE_URL) {
    return migrateAsOwner({ migrationUrl: env.DATABASE_MIGRATION_URL, runtimeUrl: env.DATABASE_URL, migrationsFolder });
  }
  const db = await getDb();
  if ((await databaseKind()) === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder });
  }
  return null;
}
