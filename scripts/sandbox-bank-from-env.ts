import type { Env } from "../lib/env";
import { startSandboxBank, type SandboxBankOptions } from "../lib/providers/sandbox-bank/server";

/** Starts the Sandbox Bank with the client the app expects (same derived secret on both sides). */
export async function startSandboxBankFromEnv(env: Env, overrides: Partial<SandboxBankOptions> = {}) {
  if (!env.sandboxBankClient) throw new Error("The Sandbox Bank is off (SANDBOX_BANK=off)");
  return startSandboxBank({
    issuer: env.SANDBOX_BANK_URL,
    clients: [
      {
        ...env.sandboxBankClient,
        redirectUris: [`${env.APP_URL}/connections/callback/sandbox-bank`],
      },
    ],
    controlSecret: env.sandboxBankControlSecret,
    host: env.listenHost,
    ...overrides,
  });
}
