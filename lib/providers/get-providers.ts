import { env } from "../env";
import { buildProviderRegistry, type ProviderRegistry } from "./registry";

let cached: ProviderRegistry | undefined;

/** The providers this deployment offers (Sandbox Bank, Schwab, `PROVIDER_<SLUG>_*` ones), built once from the environment. */
export function getProviders(): ProviderRegistry {
  cached ??= buildProviderRegistry(env.providerVariables, {
    appUrl: env.APP_URL,
    sandboxBank: env.sandboxBankClient ? { issuer: env.SANDBOX_BANK_URL, ...env.sandboxBankClient, accounts: env.SANDBOX_BANK_ACCOUNTS === "on" } : null,
  });
  return cached;
}
