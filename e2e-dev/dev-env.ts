/**
 * The app as `npm run dev` runs it for a newcomer — `next dev`, embedded PGlite, the Sandbox
 * Bank, the development mailbox instead of SMTP — on ports of its own beside the production
 * end-to-end app (E2E_PORT_BASE + 60 and + 61), with a throwaway data folder and a build
 * folder of its own, both emptied at each start as on a fresh clone: `next dev` started on the
 * cache of an earlier run kept recompiling and reloading the page (seen with Next 16.4.6).
 */
import os from "node:os";
import path from "node:path";

const base = Number(process.env.E2E_PORT_BASE ?? 3100);
export const DEV_PORTS = { app: base + 60, sandboxBank: base + 61 } as const;

export const devEnv = {
  APP_URL: `http://localhost:${DEV_PORTS.app}`,
  SANDBOX_BANK_URL: `http://localhost:${DEV_PORTS.sandboxBank}`,
  DATA_DIR: path.join(os.tmpdir(), `ledgerlink-dev-e2e-${base}`),
  NEXT_DIST_DIR: `.next-dev-e2e-${base}`,
  NEXT_TELEMETRY_DISABLED: "1",
} as const;
