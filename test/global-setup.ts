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
  // Fixed local origins for the app and the Sandbox Bank that the connection tests start.
  Object.assign(process.env, {
    NODE_ENV: "test",
    APP_URL: process.env.TEST_APP_URL ?? "http://localhost:3200",
    SANDBOX_BANK_URL: process.env.TEST_SANDBOX_BANK_URL ?? "http://localhost:3201",
    SANDBOX_BANK: "on",
    REFRESH_SWEEP_INTERVAL_SECONDS: "0",
  });
  const { migrateDatabase } = await import("../lib/db/migrate");
  const { closeDb } = await import("../lib/db/client");
  await migrateDatabase();
  await closeDb();

  return () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
}
