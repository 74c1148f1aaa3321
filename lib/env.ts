/**
 * The only reader of `process.env`. Every variable of DESIGN.md §5 is validated here,
 * once, and each bad or missing value is reported by name with what is expected.
 *
 * Development and tests need no configuration: absent secrets get generated values,
 * kept in `<DATA_DIR>/secrets.json` so sessions and sealed tokens survive a restart.
 * In production the four secrets and `DATABASE_URL` are required; the check is lazy so
 * that `next build` (which imports route modules) works without them, and
 * `instrumentation.ts` runs it at server start-up so a bad deployment stops at once.
 */
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

import { generateSigningKey, parseSigningKeys } from "./crypto/signing-keys";
import { parseEncryptionKeys } from "./crypto/token-crypto";

const SECRET_NAMES = ["AUTH_SECRET", "TOKEN_ENCRYPTION_KEYS", "CRON_SECRET", "AUDIT_SIGNING_KEYS"] as const;
type SecretName = (typeof SECRET_NAMES)[number];

const intFromString = (name: string, fallback: number, min = 0) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number ≥ ${min} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

const url = (name: string, protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
  );

const onOff = z.enum(["on", "off"], { message: 'must be "on" or "off"' });

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Postgres connection string; unset = embedded PGlite under DATA_DIR (development and tests only). */
  DATABASE_URL: url("DATABASE_URL", ["postgres:", "postgresql:"]).optional(),
  /**
   * Whether DATABASE_URL goes through a transaction-mode pooler (PgBouncer, Neon, Supabase,
   * RDS Proxy): `transaction` turns prepared statements off, `none` keeps them; unset, it is
   * detected from the URL (lib/db/pooler.ts).
   */
  DATABASE_POOLER: z
    .enum(["transaction", "none"], {
      message: 'DATABASE_POOLER must be "transaction" (a transaction-mode pooler: no prepared statements) or "none"',
    })
    .optional(),
  /**
   * The owner role's connection string, used only by migrations (`npm run db:migrate`, the
   * migrate step of `npm start`/`npm run dev`); the app then runs as DATABASE_URL's role, which
   * the migration grants only what it needs (lib/db/runtime-grants.ts). Unset: DATABASE_URL does both.
   */
  DATABASE_MIGRATION_URL: url("DATABASE_MIGRATION_URL", ["postgres:", "postgresql:"]).optional(),
  /** Public origin of the app; OAuth redirect URIs and email links are built from it. */
  APP_URL: url("APP_URL", ["http:", "https:"])
    .default("http://localhost:3000")
    .transform((v) => v.replace(/\/+$/, "")),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)"),
  /** smtp(s)://user:pass@host:port; unset in development = the /dev/mailbox. */
  SMTP_URL: url("SMTP_URL", ["smtp:", "smtps:"]).optional(),
  EMAIL_FROM: z.string().min(3).default("Ledgerlink <no-reply@ledgerlink.localhost>"),
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email("ADMIN_EMAILS must be a comma-separated list of email addresses"))),
  CRON_SECRET: z.string().min(16, "CRON_SECRET must be at least 16 characters"),
  TOKEN_ENCRYPTION_KEYS: z.string().transform((v, ctx) => {
    try {
      return parseEncryptionKeys(v).keys;
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /** Ed25519 seeds that sign audit checkpoints, `kid:base64seed[,…]`: the first signs, all verify. */
  AUDIT_SIGNING_KEYS: z.string().transform((v, ctx) => {
    try {
      return parseSigningKeys(v);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }),
  REFRESH_AHEAD_SECONDS: intFromString("REFRESH_AHEAD_SECONDS", 300),
  REAUTH_WARNING_HOURS: intFromString("REAUTH_WARNING_HOURS", 48),
  /** In-process refresh sweep for one-machine runs; 0 turns it off (Vercel Cron does it there). */
  REFRESH_SWEEP_INTERVAL_SECONDS: intFromString("REFRESH_SWEEP_INTERVAL_SECONDS", 60),
  /** How long /admin/audit trusts the head it re-hashed before walking the whole chain again; 0 = every view. */
  AUDIT_FULL_WALK_SECONDS: intFromString("AUDIT_FULL_WALK_SECONDS", 300),
  SANDBOX_BANK: onOff.optional(),
  /**
   * Whether the app reads accounts from the Sandbox Bank (`on`, the default). `off` makes it a
   * provider with no accounts API, like a bank configured without ACCOUNTS_URL: the card says
   * so, and `npm run bench:connect -- --accounts-read off` measures the callback without the read.
   */
  SANDBOX_BANK_ACCOUNTS: onOff.default("on"),
  SANDBOX_BANK_URL: url("SANDBOX_BANK_URL", ["http:", "https:"])
    .default("http://localhost:3001")
    .transform((v) => v.replace(/\/+$/, "")),
  /** Where development state lives: PGlite, generated secrets. */
  DATA_DIR: z.string().default(".data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  /** Set by Vercel on its builds and functions. */
  VERCEL: z.string().optional(),
  /**
   * How many reverse proxies in front of a self-hosted app append to X-Forwarded-For; the
   * client's address is the one the outermost of them saw. 0 (the default): no proxy, the
   * header is the client's own claim and is ignored. Not used on Vercel (its own header is).
   */
  TRUSTED_PROXY_COUNT: intFromString("TRUSTED_PROXY_COUNT", 0),
  /**
   * Interface the development servers (`npm run dev`: the app and the Sandbox Bank) listen
   * on: loopback, so the dev mailbox and its sign-in links stay off the network, unless set
   * (e.g. `0.0.0.0` to try the app from a phone). Production servers are not affected.
   */
  DEV_HOST: z.string().regex(/^[A-Za-z0-9.:-]+$/, "DEV_HOST must be a host name or an IP address").default("localhost"),
});

export type Env = Omit<z.infer<typeof schema>, "SANDBOX_BANK" | "LOG_LEVEL"> & {
  SANDBOX_BANK: boolean;
  LOG_LEVEL: NonNullable<z.infer<typeof schema>["LOG_LEVEL"]>;
  isProduction: boolean;
  /** Where development servers listen (DEV_HOST); undefined in production: all interfaces. */
  listenHost: string | undefined;
  /** The client the app holds at the Sandbox Bank (both sides derive the same secret). */
  sandboxBankClient: { clientId: string; clientSecret: string } | null;
  /** Bearer token for the Sandbox Bank's control API (tests, scripts). */
  sandboxBankControlSecret: string;
  /** Keys the ids made from account numbers (lib/accounts/parsed-account.ts `opaqueId`); derived from AUTH_SECRET. */
  accountIdKey: string;
  /** Signs the passes that open a timeline run's details (lib/audit/run-details-pass.ts); derived from AUTH_SECRET. */
  auditRunDetailsKey: string;
  /** The `PROVIDER_<SLUG>_*` variables, as set; lib/providers/get-providers.ts turns them into the registry. */
  providerVariables: Readonly<Record<string, string>>;
  generatedSecrets: SecretName[];
};

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigurationError";
  }
}

function generateSecret(name: SecretName): string {
  if (name === "TOKEN_ENCRYPTION_KEYS") return `dev1:${randomBytes(32).toString("base64")}`;
  if (name === "AUDIT_SIGNING_KEYS") return generateSigningKey("dev1");
  return randomBytes(32).toString("base64url");
}

/** Reads (or creates) the generated development secrets; never used in production. */
function developmentSecrets(dataDir: string, missing: SecretName[]): Partial<Record<SecretName, string>> {
  if (missing.length === 0) return {};
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<Record<SecretName, string>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Record<SecretName, string>>)
    : {};
  let changed = false;
  for (const name of missing) {
    if (!stored[name]) {
      stored[name] = generateSecret(name);
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored;
}

function isBuildPhase(source: NodeJS.ProcessEnv): boolean {
  return source.NEXT_PHASE === "phase-production-build";
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const nodeEnv = source.NODE_ENV === "production" || source.NODE_ENV === "test" ? source.NODE_ENV : "development";
  const isProduction = nodeEnv === "production";
  const dataDir = source.DATA_DIR || ".data";
  // An empty variable means "not set" (a blank line in .env, `FOO= cmd`), not an empty value.
  const input: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const problems: string[] = [];

  const missingSecrets = SECRET_NAMES.filter((name) => !input[name]);
  let generatedSecrets: SecretName[] = [];
  if (isProduction) {
    const required = [...missingSecrets, ...(input.DATABASE_URL ? [] : ["DATABASE_URL" as const])];
    if (isBuildPhase(source)) {
      // `next build` imports route modules; placeholders let it finish, start-up still refuses.
      for (const name of missingSecrets) input[name] = generateSecret(name);
    } else {
      for (const name of required) problems.push(`${name}: required in production (see .env.example)`);
    }
  } else {
    Object.assign(input, developmentSecrets(dataDir, missingSecrets));
    generatedSecrets = missingSecrets;
  }

  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "environment");
      if (problems.some((p) => p.startsWith(`${name}:`))) continue;
      const message = issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
      problems.push(message);
    }
  }
  if (input.DATABASE_MIGRATION_URL && !input.DATABASE_URL) {
    problems.push("DATABASE_MIGRATION_URL: set DATABASE_URL too (the role the app runs as); the migration URL is only for migrations");
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigurationError(problems);

  const v = parsed.data;
  const sandboxOn = v.SANDBOX_BANK ? v.SANDBOX_BANK === "on" : !isProduction;
  const sandboxBankClient = sandboxOn
    ? { clientId: "ledgerlink", clientSecret: derive(v.AUTH_SECRET, "sandbox-bank-client") }
    : null;
  const providerVariables = Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[0].startsWith("PROVIDER_") && entry[1] !== undefined),
  );

  return {
    ...v,
    NODE_ENV: nodeEnv,
    SANDBOX_BANK: sandboxOn,
    LOG_LEVEL: v.LOG_LEVEL ?? (nodeEnv === "test" ? "warn" : "info"),
    isProduction,
    listenHost: isProduction ? undefined : v.DEV_HOST,
    sandboxBankClient,
    sandboxBankControlSecret: derive(v.AUTH_SECRET, "sandbox-bank-control"),
    accountIdKey: derive(v.AUTH_SECRET, "account-ids"),
    auditRunDetailsKey: derive(v.AUTH_SECRET, "audit-run-details"),
    providerVariables,
    generatedSecrets,
  };
}

/** A secret derived from AUTH_SECRET, so the app and the Sandbox Bank agree without another variable. */
function derive(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(purpose).digest("base64url");
}

let cached: Env | undefined;

/** The validated environment, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/**
 * `env.X` reads the validated environment lazily, so importing a module never
 * validates (and `next build` never fails) until a value is actually needed.
 */
export const env: Env = new Proxy({} as Env, {
  get: (_target, property) => getEnv()[property as keyof Env],
});
