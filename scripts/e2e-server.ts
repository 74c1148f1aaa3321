/**
 * The app as the end-to-end suite sees it: a fresh Postgres database owned by a non-superuser
 * owner role that runs the migrations (DATABASE_MIGRATION_URL), the app running as a second,
 * least-privileged runtime role (DATABASE_URL), a production build (`next build` into
 * .next-e2e) served by `next start`, the Sandbox Bank on its own origin and a real SMTP
 * capture (started separately by playwright.config.ts).
 */
import { spawn, spawnSync } from "node:child_process";

import postgres from "postgres";

import { e2eAdminDatabaseUrl, e2eDatabaseName, e2eEnv, E2E_PORTS, e2eRoles } from "../e2e/support/e2e-env";
import { withoutPassword } from "./test-servers/test-postgres";

Object.assign(process.env, e2eEnv);

async function recreateDatabase() {
  const admin = postgres(e2eAdminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${e2eDatabaseName} with (force)`);
    for (const { user, password } of [e2eRoles.owner, e2eRoles.runtime]) {
      const [exists] = await admin`select 1 from pg_roles where rolname = ${user}`;
      const verb = exists ? "alter" : "create";
      await admin.unsafe(`${verb} role ${user} login nosuperuser nocreatedb nocreaterole password '${password}'`);
    }
    await admin.unsafe(`create database ${e2eDatabaseName} owner ${e2eRoles.owner.user}`);
  } catch (error) {
    console.error(`[e2e] PostgreSQL is needed for the end-to-end tests (${withoutPassword(e2eAdminDatabaseUrl)}); set TEST_DATABASE_URL or start it.`);
    throw error;
  } finally {
    await admin.end();
  }
}

await recreateDatabase();
const { migrateDatabase } = await import("../lib/db/migrate");
const { closeDb } = await import("../lib/db/client");
const { getEnv } = await import("../lib/env");
const { startSandboxBankFromEnv } = await import("./sandbox-bank-from-env");
const grants = await migrateDatabase();
if (!grants?.granted.length) throw new Error("[e2e] the migrations did not restrict the runtime role");
await closeDb();

if (process.env.E2E_SKIP_BUILD !== "1") {
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const sandbox = await startSandboxBankFromEnv(getEnv());
const next = spawn("npx", ["next", "start", "--port", String(E2E_PORTS.app)], { stdio: "inherit", env: process.env });
const stop = async () => {
  next.kill("SIGTERM");
  await sandbox.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
next.on("exit", () => void stop());
