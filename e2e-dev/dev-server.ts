/**
 * Starts `npm run dev`'s own launcher (scripts/run-app.ts) with nothing configured but ports
 * and a fresh data folder: no DATABASE_URL, no SMTP_URL, no secrets (generated on first run).
 */
import { rmSync } from "node:fs";

import { devEnv } from "./dev-env";

for (const name of Object.keys(process.env)) {
  if (/^(DATABASE_|SMTP_|AUTH_|TOKEN_|AUDIT_|CRON_|PROVIDER_|ADMIN_|TEST_|NODE_ENV$|LOG_LEVEL$)/.test(name)) delete process.env[name];
}
rmSync(devEnv.DATA_DIR, { recursive: true, force: true });
rmSync(devEnv.NEXT_DIST_DIR, { recursive: true, force: true });
Object.assign(process.env, devEnv);

const { runApp } = await import("../scripts/run-app");
await runApp("dev");
