/**
 * In development the Sandbox Bank (and `next dev`, given the same host by scripts/run-app.ts)
 * listens on loopback only, unless DEV_HOST asks otherwise: the dev mailbox and its
 * sign-in links are not for the local network.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { isIPv4, isIPv6 } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, expect, test } from "vitest";

import { parseEnv } from "@/lib/env";
import { startSandboxBankFromEnv } from "@/scripts/sandbox-bank-from-env";

const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerlink-listen-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const development = (extra: Record<string, string> = {}) =>
  parseEnv({ NODE_ENV: "development", DATA_DIR: dataDir, SANDBOX_BANK_URL: "http://localhost:3001", ...extra } as unknown as NodeJS.ProcessEnv);

const isLoopback = (address: string) => (isIPv4(address) && address.startsWith("127.")) || (isIPv6(address) && address === "::1");

test("development servers listen on loopback by default", async () => {
  const env = development();
  expect(env.listenHost).toBe("localhost");
  const bank = await startSandboxBankFromEnv(env, { port: 0, quiet: true });
  try {
    expect(isLoopback(bank.address), `listening on ${bank.address}`).toBe(true);
  } finally {
    await bank.close();
  }
});

test("DEV_HOST listens elsewhere when asked; production is not affected", async () => {
  const env = development({ DEV_HOST: "0.0.0.0" });
  const bank = await startSandboxBankFromEnv(env, { port: 0, quiet: true });
  try {
    expect(bank.address).toBe("0.0.0.0");
  } finally {
    await bank.close();
  }
  const production = parseEnv({
    NODE_ENV: "production",
    DATABASE_URL: "postgres://app@db.example.com:5432/ledgerlink",
    AUTH_SECRET: "a".repeat(40),
    CRON_SECRET: "c".repeat(24),
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
    AUDIT_SIGNING_KEYS: `a1:${Buffer.alloc(32, 9).toString("base64")}`,
  } as unknown as NodeJS.ProcessEnv);
  expect(production.listenHost).toBeUndefined();
});
