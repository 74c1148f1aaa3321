import { env } from "../env";

/** The provider's display name for people ("Acme Bank"); the slug when it is no longer configured. */
export function providerDisplayName(providerSlug: string): string {
  return env.providers.find((p) => p.slug === providerSlug)?.name ?? providerSlug;
}
