import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import type { Configuration, JWK } from "oidc-provider";

import type { SandboxStore } from "./memory-store";
import { messagePage } from "./pages";
import type { SandboxState } from "./state";

export const SUPPORTED_SCOPES = ["openid", "offline_access", "accounts"] as const;
export const AUTHORIZATION_PATH = "/auth";
export const TOKEN_PATH = "/token";
export const REVOCATION_PATH = "/token/revocation";

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface ProviderConfigInput {
  clients: SandboxClient[];
  state: SandboxState;
  store: SandboxStore;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const now = () => Math.floor(Date.now() / 1000);

/** oidc-provider settings for the Sandbox Bank; every default that prints a notice is replaced. */
export function providerConfiguration(input: ProviderConfigInput): Configuration {
  const { state, accessTokenTtlSeconds, refreshTokenTtlSeconds } = input;
  return {
    adapter: input.store.adapterFactory,
    clients: input.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // client_secret_post is accepted too: oidc-provider treats the two as one family.
      token_endpoint_auth_method: "client_secret_basic",
    })),
    scopes: [...SUPPORTED_SCOPES],
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    claims: { openid: ["sub"] },
    conformIdTokenClaims: false,
    // Redirect URIs must match exactly, even when a client registers only one.
    allowOmittingSingleRegisteredRedirectUri: false,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    pkce: { required: () => true },
    // Always, for our clients: not only with offline_access + prompt=consent.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    // Grants outlive the browser session, as a bank's do.
    expiresWithSession: () => false,
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
    },
    routes: { authorization: AUTHORIZATION_PATH, token: TOKEN_PATH, revocation: REVOCATION_PATH },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: (_ctx, token) =>
        state.settingsFor(token.accountId).accessTokenTtlSeconds ?? accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      // A hard lifetime counted from the first token of the grant: rotation does not extend it.
      RefreshToken: (_ctx, token) => Math.max(1, (token.iiat ?? now()) + refreshTokenTtlSeconds - now()),
      Grant: refreshTokenTtlSeconds,
      Interaction: 3600,
      Session: 3600,
    },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    jwks: { keys: [signingKey()] },
    renderError: (ctx, out) => {
      ctx.type = "text/html; charset=utf-8";
      ctx.body = messagePage(out.error, out.error_description ?? "The request could not be completed.");
    },
  };
}

/** A fresh RSA key per start: a sandbox has no tokens worth keeping across restarts. */
function signingKey(): JWK {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...(privateKey.export({ format: "jwk" }) as JWK), kid: randomUUID(), use: "sig", alg: "RS256" };
}
