/**
 * The environment of the app under end-to-end test, shared by the server launcher
 * (scripts/e2e-server.ts) and the specs (which read the same database and talk to the
 * same Sandbox Bank and SMTP capture). Fixed test secrets: nothing here is real.
 */
const baseDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

// E2E_PORT_BASE lets two runs share a machine (each with its own ports, database and build).
const base = Number(process.env.E2E_PORT_BASE ?? 3100);
export const E2E_PORTS = { app: base, sandboxBank: base + 1, smtp: base + 25, smtpHttp: base + 26 } as const;

export const e2eDatabaseName = base === 3100 ? "ledgerlink_e2e" : `ledgerlink_e2e_${base}`;
export const e2eAdminDatabaseUrl = baseDatabaseUrl;
export const e2eDatabaseUrl = withDatabase(baseDatabaseUrl, e2eDatabaseName);
export const e2eAdminEmail = "admin@e2e.ledgerlink.test";

export const e2eEnv = {
  NODE_ENV: "production",
  APP_URL: `http://localhost:${E2E_PORTS.app}`,
  DATABASE_URL: e2eDatabaseUrl,
  AUTH_SECRET: "e2e-auth-secret-not-for-production-0123456789",
  CRON_SECRET: "e2e-cron-secret-0123456789",
  TOKEN_ENCRYPTION_KEYS: "e2e1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  AUDIT_SIGNING_KEYS: "e2e1:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
  SMTP_URL: `smtp://127.0.0.1:${E2E_PORTS.smtp}`,
  EMAIL_FROM: "Ledgerlink <no-reply@e2e.ledgerlink.test>",
  ADMIN_EMAILS: e2eAdminEmail,
  SANDBOX_BANK: "on",
  SANDBOX_BANK_URL: `http://localhost:${E2E_PORTS.sandboxBank}`,
  REFRESH_SWEEP_INTERVAL_SECONDS: "0",
  NEXT_DIST_DIR: base === 3100 ? ".next-e2e" : `.next-e2e-${base}`,
  NEXT_TELEMETRY_DISABLED: "1",
  LOG_LEVEL: "warn",
} as const;
