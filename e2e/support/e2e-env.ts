/**
 * The environment of the app under end-to-end test, shared by the server launcher
 * (scripts/e2e-server.ts) and the specs (which read the same database and talk to the
 * same Sandbox Bank and SMTP capture). Fixed test secrets: nothing here is real.
 */
const baseDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function withDatabase(url: string, name: string, role?: { user: string; password: string }): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  if (role) {
    parsed.username = role.user;
    parsed.password = role.password;
  }
  return parsed.toString();
}

// E2E_PORT_BASE lets two runs share a machine (each with its own ports, database and build).
const base = Number(process.env.E2E_PORT_BASE ?? 3100);
export const E2E_PORTS = { app: base, sandboxBank: base + 1, smtp: base + 25, smtpHttp: base + 26 } as const;

export const e2eDatabaseName = base === 3100 ? "ledgerlink_e2e" : `ledgerlink_e2e_${base}`;
export const e2eAdminDatabaseUrl = baseDatabaseUrl;
/** The specs' own access to the e2e database (as TEST_DATABASE_URL's user), to check what the browser did. */
export const e2eDatabaseUrl = withDatabase(baseDatabaseUrl, e2eDatabaseName);
/**
 * Two roles, neither a superuser, as README "Two database roles" sets up a deployment: the
 * owner runs the migrations and owns every table (DATABASE_MIGRATION_URL); the app runs as the
 * runtime role (DATABASE_URL), which may only read audit_logs and append through
 * audit_logs_append. Created by scripts/e2e-server.ts; the password is for servers that ask.
 */
export const e2eRoles = {
  owner: { user: `${e2eDatabaseName}_owner`, password: "e2e-owner-password-not-for-production" },
  runtime: { user: `${e2eDatabaseName}_app`, password: "e2e-app-password-not-for-production" },
} as const;
export const e2eOwnerDatabaseUrl = withDatabase(baseDatabaseUrl, e2eDatabaseName, e2eRoles.owner);
export const e2eRuntimeDatabaseUrl = withDatabase(baseDatabaseUrl, e2eDatabaseName, e2eRoles.runtime);
export const e2eAdminEmail = "admin@e2e.ledgerlink.test";

export const e2eEnv = {
  NODE_ENV: "production",
  APP_URL: `http://localhost:${E2E_PORTS.app}`,
  DATABASE_URL: e2eRuntimeDatabaseUrl,
  DATABASE_MIGRATION_URL: e2eOwnerDatabaseUrl,
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
  // Every view of /admin/audit re-hashes the whole chain (a few thousand rows here), so a row
  // changed below the verified head shows on the next view, not 5 minutes later.
  AUDIT_FULL_WALK_SECONDS: "0",
  NEXT_DIST_DIR: base === 3100 ? ".next-e2e" : `.next-e2e-${base}`,
  NEXT_TELEMETRY_DISABLED: "1",
  LOG_LEVEL: "warn",
} as const;
