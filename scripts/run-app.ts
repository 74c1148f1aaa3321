/**
 * Runs the app on one machine: applies migrations, starts the Sandbox Bank on its own
 * origin (when enabled), then `next dev` or `next start` in a child process.
 * `npm run dev` and `npm start` both come here.
 */
import { spawn } from "node:child_process";

import { closeDb, databaseKind } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { getEnv } from "../lib/env";
import { getProviders } from "../lib/providers/get-providers";
import { startSandboxBankFromEnv } from "./sandbox-bank-from-env";

export async function runApp(mode: "dev" | "start"): Promise<void> {
  const env = getEnv();
  for (const problem of getProviders().problems) console.warn(`[ledgerlink] provider left out: ${problem}`);

  const started = performance.now();
  await migrateDatabase();
  console.log(`[ledgerlink] database ready (${await databaseKind()}, ${Math.round(performance.now() - started)} ms)`);
  // PGlite allows one process per folder: hand it over to the Next server.
  await closeDb();

  const sandbox = env.SANDBOX_BANK ? await startSandboxBankFromEnv(env) : null;

  const port = new URL(env.APP_URL).port || "3000";
  // In development, loopback unless DEV_HOST says otherwise (the dev mailbox holds sign-in links).
  const hostname = env.listenHost ? ["--hostname", env.listenHost] : [];
  const next = spawn("npx", ["next", mode, "--port", port, ...hostname], { stdio: "inherit", env: process.env });
  console.log(`[ledgerlink] app on ${env.APP_URL}${env.SMTP_URL ? "" : ` · emails at ${env.APP_URL}/dev/mailbox`}`);

  const stop = async (code: number) => {
    next.kill("SIGTERM");
    await sandbox?.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.on("exit", (code) => void stop(code ?? 0));
}
