/**
 * Starts the real Sandbox Bank for one integration test file, on the origin the app's
 * environment expects, with the client the app holds there.
 */
import { afterAll, beforeAll } from "vitest";

import { getEnv } from "@/lib/env";
import { clearClientConfigurations } from "@/lib/providers/oauth-client";
import { sandboxControl, type SandboxControl } from "@/lib/providers/sandbox-bank/control-client";
import type { SandboxBank } from "@/lib/providers/sandbox-bank/server";
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
