/**
 * The app as `npm run dev` runs it for a newcomer — `next dev`, embedded PGlite, the Sandbox
 * Bank, the development mailbox instead of SMTP — on ports of its own beside the production
 * end-to-end app (E2E_PORT_BASE + 60 and + 61), with a throwaway data folder. It builds in
 * `.next`, as `npm run dev` does: `next dev` with another NEXT_DIST_DIR keeps recompiling
 * and reloading the page (seen with Next 16.4), which a newcomer never meets.
 */
import os from "node:os";
import path from "node:path";

const base = Number(process.env.E2E_PORT_BASE ?? 3100);
export const DEV_PORTS = { app: base + 60, sandboxBank: base + 61 } as const;

export const devEnv = {
  APP_URL: `http://localhost:${DEV_PORTS.app}`,
  SANDBOX_BANK_URL: `http://localhost:${DEV_PORTS.sandboxBank}`,
  DATA_DIR: path.join(os.tmpdir(), `ledgerlink-dev-e2e-${base}`),
  NEXT_TELEMETRY_DISABLED: "1",
} as const;
