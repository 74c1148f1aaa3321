import { getProviders } from "./get-providers";
import type { ProviderDefinition } from "./registry";

/** The providers this deployment offers (Sandbox Bank, Schwab, PROVIDER_<SLUG>_* ones). */
export function listProviders(): ProviderDefinition[] {
  return getProviders().providers;
}

export function findProvider(slug: string): ProviderDefinition | undefined {
  return listProviders().find((p) => p.slug === slug);
}

/** A provider's display name for people ("Acme Bank"), or its slug when it is no longer configured. */
export function providerName(slug: string): string {
  return findProvider(slug)?.name ?? slug;
}
