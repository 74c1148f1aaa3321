import { createHash } from "node:crypto";
import * as oauth from "openid-client";

import { classifyOAuthError, OAuthConfigurationError, OAuthTransportError } from "./oauth-errors";
import { parseProviderUrl } from "./oauth-urls";

/** One OAuth 2.0 provider as the registry describes it. */
export interface OAuthProviderConfig {
  slug: string;
  name: string;
  /**
   * Discovered (OpenID Connect, then RFC 8414 metadata) unless both endpoints
   * below are set; then only compared with the `iss` response parameter.
   */
  issuer?: string;
  /** Explicit endpoints, used as given when both are set. The revocation one always wins. */
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  tokenAuth: "client_secret_basic" | "client_secret_post";
  /** Timeout of every request to this provider. Default 10 000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

const configurations = new Map<string, { fingerprint: string; configuration: Promise<oauth.Configuration> }>();

/**
 * The openid-client configuration of a provider, discovered once per process
 * and slug (again only if the provider's settings change, or after a failure).
 * Throws {@link OAuthConfigurationError} for plain http outside loopback hosts.
 */
export function getClientConfiguration(provider: OAuthProviderConfig): Promise<oauth.Configuration> {
  const fingerprint = createHash("sha256")
    .update(
      JSON.stringify([
        provider.issuer,
        provider.authorizationEndpoint,
        provider.tokenEndpoint,
        provider.revocationEndpoint,
        provider.clientId,
        provider.clientSecret,
        provider.tokenAuth,
        provider.timeoutMs,
      ]),
    )
    .digest("base64url");
  const cached = configurations.get(provider.slug);
  if (cached?.fingerprint === fingerprint) return cached.configuration;

  const configuration = createConfiguration(provider);
  configurations.set(provider.slug, { fingerprint, configuration });
  configuration.catch(() => {
    if (configurations.get(provider.slug)?.configuration === configuration) configurations.delete(provider.slug);
  });
  return configuration;
}

/** Forgets every discovered provider (tests). */
export function clearClientConfigurations(): void {
  configurations.clear();
}

/**
 * Endpoint rule (shared with the registry): explicit authorization and token
 * endpoints are used as given, with `issuer` (when also set) only for the
 * `iss` check; otherwise the issuer is discovered. An explicit revocation
 * endpoint wins over a discovered one.
 */
async function createConfiguration(provider: OAuthProviderConfig): Promise<oauth.Configuration> {
  const timeoutMs = provider.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clientAuth =
    provider.tokenAuth === "client_secret_post"
      ? oauth.ClientSecretPost(provider.clientSecret)
      : oauth.ClientSecretBasic(provider.clientSecret);
  const label = (setting: string) => `Provider "${provider.slug}": ${setting}`;
  const issuer = provider.issuer ? parseProviderUrl(provider.issuer, label("issuer"), "issuer") : null;
  const revocation = provider.revocationEndpoint
    ? parseProviderUrl(provider.revocationEndpoint, label("revocation endpoint"))
    : null;

  let metadata: oauth.ServerMetadata;
  let tokenEndpointWithoutIssuer: string | null = null;
  if (provider.authorizationEndpoint && provider.tokenEndpoint) {
    const authorization = parseProviderUrl(provider.authorizationEndpoint, label("authorization endpoint"));
    const token = parseProviderUrl(provider.tokenEndpoint, label("token endpoint"));
    metadata = {
      // Without an issuer openid-client still needs one: a stand-in, never compared with `iss`.
      issuer: provider.issuer ?? authorization.origin,
      authorization_endpoint: authorization.href,
      token_endpoint: token.href,
    };
    if (!issuer) tokenEndpointWithoutIssuer = token.href;
  } else if (issuer) {
    const discover = (algorithm: "oidc" | "oauth2") =>
      oauth.discovery(issuer, provider.clientId, provider.clientSecret, clientAuth, {
        algorithm,
        [oauth.customFetch]: timedFetch(timeoutMs, null),
        execute: issuer.protocol === "http:" ? [oauth.allowInsecureRequests] : [],
        timeout: Math.ceil(timeoutMs / 1000) + 1,
      });
    const discovered = await discover("oidc").catch((error: unknown) => {
      // A provider that is down stays down; one without OIDC metadata may have RFC 8414's.
      if (classifyOAuthError(error).retryable) throw error;
      return discover("oauth2");
    });
    metadata = { ...discovered.serverMetadata() };
    for (const key of ["authorization_endpoint", "token_endpoint", "revocation_endpoint"] as const) {
      const value = metadata[key];
      if (value) parseProviderUrl(value, label(`discovered ${key}`));
    }
  } else {
    throw new OAuthConfigurationError(label("set an issuer, or both an authorization and a token endpoint"));
  }
  if (revocation) metadata = { ...metadata, revocation_endpoint: revocation.href };

  const configuration = new oauth.Configuration(metadata, provider.clientId, provider.clientSecret, clientAuth);
  // ID tokens would be checked against a stand-in issuer; we never use them for identity.
  configuration[oauth.customFetch] = timedFetch(timeoutMs, tokenEndpointWithoutIssuer);
  configuration.timeout = Math.ceil(timeoutMs / 1000) + 1;
  const endpoints = [metadata.authorization_endpoint, metadata.token_endpoint, metadata.revocation_endpoint];
  if (endpoints.some((endpoint) => endpoint?.startsWith("http:"))) oauth.allowInsecureRequests(configuration);
  return configuration;
}

/**
 * fetch with our own timeout (openid-client's is whole seconds and a generic
 * error), failures tagged as timeout or network error, and — for providers
 * configured without an issuer — `id_token` dropped from token responses.
 */
function timedFetch(timeoutMs: number, dropIdTokenFrom: string | null): oauth.CustomFetch {
  return async (url, options) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      // FetchBody's Uint8Array<ArrayBufferLike> is what fetch accepts at runtime; only the DOM typings differ.
      response = await fetch(url, { ...options, body: options.body as BodyInit | null | undefined, signal });
    } catch (error) {
      const kind = signal.aborted ? "timeout" : "network";
      throw new OAuthTransportError(kind, { cause: error });
    }
    if (url !== dropIdTokenFrom || !response.ok) return response;
    const body: unknown = await response.json();
    if (body && typeof body === "object") delete (body as { id_token?: unknown }).id_token;
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(JSON.stringify(body), { status: response.status, headers });
  };
}
