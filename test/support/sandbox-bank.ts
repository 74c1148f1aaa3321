/**
 * Starts the real Sandbox Bank for one integration test file, on the origin the app's
 * environment expects, with the client the app holds there; and connects through it.
 */
import { afterAll, beforeAll } from "vitest";

import { completeConnect } from "@/lib/connections/complete-connect";
import { startConnect } from "@/lib/connections/start-connect";
import { getEnv } from "@/lib/env";
import { clearClientConfigurations } from "@/lib/providers/oauth-client";
import { authorizeInSandboxBank } from "@/lib/providers/sandbox-bank/consent-driver";
import { sandboxControl, type SandboxControl } from "@/lib/providers/sandbox-bank/control-client";
import type { Outcome } from "@/lib/providers/sandbox-bank/pages";
import type { SandboxBank } from "@/lib/providers/sandbox-bank/server";
import { runWithRequestContext } from "@/lib/request-context";
import { startSandboxBankFromEnv } from "@/scripts/sandbox-bank-from-env";

export function withSandboxBank(): { control: () => SandboxControl } {
  let bank: SandboxBank | undefined;
  let control: SandboxControl | undefined;
  beforeAll(async () => {
    const env = getEnv();
    bank = await startSandboxBankFromEnv(env, { quiet: true });
    clearClientConfigurations(); // discovery results belong to the previous bank's keys
    control = sandboxControl({ issuer: env.SANDBOX_BANK_URL, secret: env.sandboxBankControlSecret });
  });
  afterAll(async () => {
    await bank?.close();
  });
  return {
    control: () => {
      if (!control) throw new Error("withSandboxBank: the bank starts in beforeAll");
      return control;
    },
  };
}

/** A login no other test uses: the bank keeps its switches (control API, consent choices) per login. */
export const uniqueLogin = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Connects as the user does, through the real use-cases: start, consent at the bank as `login`
 * choosing `outcome`, callback; all as the signed-in `userId`. With `connectionId`, reconnects
 * that connection. Throws unless the connection is active; answers its id.
 */
export async function connectAtSandboxBank({
  userId,
  login,
  outcome = "approve",
  connectionId,
}: {
  userId: string;
  login: string;
  outcome?: Outcome;
  connectionId?: string;
}): Promise<string> {
  return runWithRequestContext({ actor: { type: "user", userId } }, async () => {
    const { authorizationUrl } = await startConnect({ userId, providerSlug: "sandbox-bank", connectionId });
    const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login, outcome });
    const result = await completeConnect({ userId, providerSlug: "sandbox-bank", callbackUrl });
    if (!result.ok) throw new Error(`connect failed: ${result.reason}`);
    return result.connectionId;
  });
}
