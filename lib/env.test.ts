import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { ConfigurationError, parseEnv } from "./env";

const key = (kid: string) => `${kid}:${Buffer.alloc(32, 7).toString("base64")}`;
const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://app@db.example.com:5432/ledgerlink",
  AUTH_SECRET: "a".repeat(40),
  CRON_SECRET: "c".repeat(24),
  TOKEN_ENCRYPTION_KEYS: key("k1"),
  AUDIT_SIGNING_KEYS: key("a1"),
} as const;

const dirs: string[] = [];
function dataDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "ledgerlink-env-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source as unknown as NodeJS.ProcessEnv);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  test("development needs nothing: secrets are generated once and kept", () => {
    const dir = dataDir();
    const first = parseEnv({ NODE_ENV: "development", DATA_DIR: dir } as unknown as NodeJS.ProcessEnv);
    expect(first.generatedSecrets).toEqual(["AUTH_SECRET", "TOKEN_ENCRYPTION_KEYS", "CRON_SECRET", "AUDIT_SIGNING_KEYS"]);
    expect(first.DATABASE_URL).toBeUndefined();
    expect(first.SANDBOX_BANK).toBe(true);
    expect(first.APP_URL).toBe("http://localhost:3000");
    const second = parseEnv({ NODE_ENV: "development", DATA_DIR: dir } as unknown as NodeJS.ProcessEnv);
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET); // sessions survive a restart
    expect(JSON.parse(readFileSync(path.join(dir, "secrets.json"), "utf8"))).toHaveProperty("CRON_SECRET", first.CRON_SECRET);
  });

  test("production names every missing secret and the database", () => {
    expect(problems({ NODE_ENV: "production" })).toEqual([
      "AUTH_SECRET: required in production (see .env.example)",
      "TOKEN_ENCRYPTION_KEYS: required in production (see .env.example)",
      "CRON_SECRET: required in production (see .env.example)",
      "AUDIT_SIGNING_KEYS: required in production (see .env.example)",
      "DATABASE_URL: required in production (see .env.example)",
    ]);
  });

  test("a malformed or duplicated audit signing key stops start-up, naming the variable and never echoing the key", () => {
    for (const value of ["a1", "a1:c2hvcnQ=", `a1:${Buffer.alloc(32, 1).toString("base64")},a1:${Buffer.alloc(32, 2).toString("base64")}`, "bad id:AAAA"]) {
      const found = problems({ ...production, AUDIT_SIGNING_KEYS: value });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^AUDIT_SIGNING_KEYS: /);
      expect(found[0]).not.toContain("c2hvcnQ=");
    }
    const env = parseEnv({ ...production, AUDIT_SIGNING_KEYS: `${key("new")},${key("old")}` } as unknown as NodeJS.ProcessEnv);
    expect(env.AUDIT_SIGNING_KEYS.map((k) => k.keyId)).toEqual(["new", "old"]); // the first signs, all verify
    expect(Buffer.from(env.AUDIT_SIGNING_KEYS[0]!.publicKey, "base64")).toHaveLength(32);
  });

  test("DATABASE_MIGRATION_URL needs DATABASE_URL beside it", () => {
    const { DATABASE_URL: _omitted, ...withoutRuntime } = production;
    expect(problems({ ...withoutRuntime, NODE_ENV: "test", DATABASE_MIGRATION_URL: "postgres://owner@db/ledgerlink" })).toEqual([
      expect.stringMatching(/^DATABASE_MIGRATION_URL: /),
    ]);
  });

  test("`next build` works without the production secrets", () => {
    const env = parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" } as unknown as NodeJS.ProcessEnv);
    expect(env.isProduction).toBe(true);
    expect(env.SANDBOX_BANK).toBe(false);
  });

  test("each bad value is reported by name with what is expected, never with the value of a secret", () => {
    const found = problems({
      ...production,
      APP_URL: "localhost:3000",
      AUTH_SECRET: "short-secret",
      SMTP_URL: "mail.example.com",
      ADMIN_EMAILS: "ops@example.com, not-an-email",
      REFRESH_AHEAD_SECONDS: "soon",
      TOKEN_ENCRYPTION_KEYS: "k1:c2hvcnQ=",
      SANDBOX_BANK: "yes",
    });
    const text = found.join("\n");
    for (const name of ["APP_URL", "AUTH_SECRET", "SMTP_URL", "ADMIN_EMAILS", "REFRESH_AHEAD_SECONDS", "TOKEN_ENCRYPTION_KEYS", "SANDBOX_BANK"]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain("short-secret");
    expect(text).not.toContain("c2hvcnQ=");
  });

  test("a valid production environment parses, with admins lower-cased and the Sandbox Bank off", () => {
    const env = parseEnv({ ...production, ADMIN_EMAILS: "Ops@Example.com , audit@example.com" } as unknown as NodeJS.ProcessEnv);
    expect(env.ADMIN_EMAILS).toEqual(["ops@example.com", "audit@example.com"]);
    expect(env.SANDBOX_BANK).toBe(false);
    expect(env.sandboxBankClient).toBeNull();
    expect(env.TOKEN_ENCRYPTION_KEYS.map((k) => k.kid)).toEqual(["k1"]);
  });

  test("DATABASE_POOLER is transaction, none or unset (detected from the URL)", () => {
    expect(parseEnv({ ...production } as unknown as NodeJS.ProcessEnv).DATABASE_POOLER).toBeUndefined();
    expect(parseEnv({ ...production, DATABASE_POOLER: "transaction" } as unknown as NodeJS.ProcessEnv).DATABASE_POOLER).toBe("transaction");
    expect(problems({ ...production, DATABASE_POOLER: "pgbouncer" })).toEqual([
      'DATABASE_POOLER must be "transaction" (a transaction-mode pooler: no prepared statements) or "none"',
    ]);
  });
});
