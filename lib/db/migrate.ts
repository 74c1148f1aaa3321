import path from "node:path";

import { databaseKind, getDb } from "./client";

const migrationsFolder = path.resolve(process.cwd(), "drizzle");

/** Applies the migrations in `drizzle/` to whichever database the client points at. */
export async function migrateDatabase(): Promise<void> {
  const db = await getDb();
  if ((await databaseKind()) === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder });
  }
}
