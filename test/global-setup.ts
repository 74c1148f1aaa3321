/**
 * Integration tests run against a real database: a fresh embedded PGlite folder by
 * default, or the Postgres database in DATABASE_URL (scripts/test-all.ts creates a
 * fresh one per run). Migrations are applied once here, before any test file runs.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";

export default async function setup() {
  let tempDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    mkdirSync(".data", { recursive: true });
    tempDir = mkdtempSync(path.resolve(".data", "test-"));
    // Workers are started after this and inherit it.
    process.env.DATA_DIR = tempDir;
  }
  Object.assign(process.env, { NODE_ENV: "test" });
  const { migrateDatabase } = await import("../lib/db/migrate");
  const { closeDb } = await import("../lib/db/client");
  await migrateDatabase();
  await closeDb();

  return () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
}
