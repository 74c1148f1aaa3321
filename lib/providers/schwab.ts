/**
 * The Charles Schwab preset (DESIGN.md §4). Schwab publishes no discovery document, so its
 * endpoints are fixed here; the registry only supplies the client credentials from
 * `PROVIDER_SCHWAB_CLIENT_ID` / `PROVIDER_SCHWAB_CLIENT_SECRET` (and optional `_SCOPES`).
 */
import type { ProviderDefinition } from "./registry";

export const SCHWAB_SLUG = "schwab";
export const SCHWAB_DEFAULT_SCOPES: readonly string[] = ["readonly"];

export function schwabProvider(client: {
  clientId: string;
  clientSecret: string;
  scopes?: readonly string[];
  redirectUri: string;
}): ProviderDefinition {
  return {
    slug: SCHWAB_SLUG,
    name: "Charles Schwab",
    category: "brokerage",
    authorizationEndpoint: "https://api.schwabapi.com/v1/oauth/authorize",
    tokenEndpoint: "https://api.schwabapi.com/v1/oauth/token",
    // No revocationEndpoint: Schwab offers no RFC 7009 endpoint, so a disconnect records
    // revocation as "unsupported" and only wipes the local credentials.
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scopes: [...(client.scopes ?? SCHWAB_DEFAULT_SCOPES)],
    tokenAuth: "client_secret_basic",
    redirectUri: client.redirectUri,
    accessTokenLifetimeSeconds: 30 * 60,
    // A hard limit: after 7 days the user must sign in at Schwab again whatever the token
    // response says, so it becomes the stored refresh expiry when the response is silent.
    refreshTokenLifetimeSeconds: 7 * 24 * 60 * 60,
    builtIn: "schwab",
    // Trader API: every linked account with its balances (parsed by lib/accounts/parse-schwab-accounts).
    accounts: { url: "https://api.schwabapi.com/trader/v1/accounts", format: "schwab-trader" },
  };
}
