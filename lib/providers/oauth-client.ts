/**
 * The app's only code that talks OAuth to providers (RFC 9700 rules, on
 * openid-client): authorization code flow with PKCE S256, refresh, RFC 7009
 * revocation. Failures are thrown as one {@link OAuthFlowError} whose code is
 * a DESIGN.md reason; a provider set up unsafely throws OAuthConfigurationError.
 */
import { timingSafeEqual } from "node:crypto";
import * as oauth from "openid-client";

import { getClientConfiguration, type OAuthProviderConfig } from "./oauth-configuration";
import {
  authorizationResponseCode,
  classifyOAuthError,
  OAuthConfigurationError,
  OAuthFlowError,
  type OAuthPhase,
} from "./oauth-errors";

export { clearClientConfigurations, getClientConfiguration, type OAuthProviderConfig } from "./oauth-configuration";
export {
  classifyOAuthError,
  OAuthConfigurationError,
  OAuthFlowError,
  type ConnectionFailureReason,
  type OAuthFailureCode,
  type OAuthPhase,
  type RefreshFailureReason,
} from "./oauth-errors";
export { isLoopbackHost } from "./oauth-urls";

/** Tokens from a token endpoint response. Credentials: store encrypted, never log. */
export interface TokenSet {
  accessToken: string;
  /** Null when the response had none: keep the previous one. */
  refreshToken: string | null;
  accessTokenExpiresAt: Date | null;
  /** From `refresh_token_expires_in`, when the provider sends it. */
  refreshTokenExpiresAt: Date | null;
  scope: string | null;
  tokenType: string;
}

/** What revoking a grant came to (stored on the disconnected row); `no_credentials`: nothing was left to revoke. */
export type RevocationOutcome = "revoked" | "unsupported" | "failed" | "no_credentials";

/** Starts the authorization code flow: PKCE S256 and a random state, always. */
export async function createAuthorizationRequest(
  provider: OAuthProviderConfig,
  input: { redirectUri: string; loginHint?: string },
): Promise<{ url: URL; state: string; codeVerifier: string }> {
  const configuration = await configurationFor(provider, "authorization");
  const codeVerifier = oauth.randomPKCECodeVerifier();
  const state = oauth.randomState();
  const parameters: Record<string, string> = {
    response_type: "code",
    redirect_uri: input.redirectUri,
    scope: provider.scopes.join(" "),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  };
  if (input.loginHint) parameters.login_hint = input.loginHint;
  return { url: oauth.buildAuthorizationUrl(configuration, parameters), state, codeVerifier };
}

/**
 * Checks the authorization response on the callback URL (issuer, state,
 * error) and exchanges its code for tokens. `redirectUri` is the registered
 * one: the callback's own origin may differ behind a proxy.
 */
export async function exchangeAuthorizationCode(
  provider: OAuthProviderConfig,
  input: { callbackUrl: URL; expectedState: string; codeVerifier: string; redirectUri: string },
): Promise<TokenSet> {
  const configuration = await configurationFor(provider, "code_exchange");
  const params = input.callbackUrl.searchParams;
  checkAuthorizationResponse(provider, configuration, params, input.expectedState);

  const currentUrl = new URL(input.redirectUri);
  for (const [key, value] of params) {
    // Without an issuer there is nothing to compare `iss` with (see checkAuthorizationResponse).
    if (key === "iss" && !provider.issuer) continue;
    currentUrl.searchParams.append(key, value);
  }
  try {
    const response = await oauth.authorizationCodeGrant(configuration, currentUrl, {
      expectedState: input.expectedState,
      pkceCodeVerifier: input.codeVerifier,
    });
    return toTokenSet(response);
  } catch (error) {
    throw classifyOAuthError(error, "code_exchange");
  }
}

/** Refreshes an access token. A rotated refresh token comes back in `refreshToken`. */
export async function refreshAccessToken(provider: OAuthProviderConfig, refreshToken: string): Promise<TokenSet> {
  const configuration = await configurationFor(provider, "refresh");
  try {
    return toTokenSet(await oauth.refreshTokenGrant(configuration, refreshToken));
  } catch (error) {
    throw classifyOAuthError(error, "refresh");
  }
}

/** RFC 7009 revocation. Never throws: a failed revocation must not block a disconnect. */
export async function revokeToken(
  provider: OAuthProviderConfig,
  token: string,
  hint: "access_token" | "refresh_token",
): Promise<RevocationOutcome> {
  let configuration: oauth.Configuration;
  try {
    configuration = await getClientConfiguration(provider);
  } catch {
    return "failed";
  }
  if (!configuration.serverMetadata().revocation_endpoint) return "unsupported";
  try {
    await oauth.tokenRevocation(configuration, token, { token_type_hint: hint });
    return "revoked";
  } catch {
    return "failed";
  }
}

async function configurationFor(provider: OAuthProviderConfig, phase: OAuthPhase) {
  try {
    return await getClientConfiguration(provider);
  } catch (error) {
    if (error instanceof OAuthConfigurationError) throw error;
    throw classifyOAuthError(error, phase);
  }
}

/**
 * Our own checks of the authorization response, before openid-client repeats
 * them, so each failure gets its precise reason: RFC 9207 `iss` and `state`
 * first (a response that is not ours says nothing trustworthy), then `error`.
 */
function checkAuthorizationResponse(
  provider: OAuthProviderConfig,
  configuration: oauth.Configuration,
  params: URLSearchParams,
  expectedState: string,
) {
  const invalid = (code: "invalid_state" | "oauth_error") => new OAuthFlowError({ code, phase: "authorization" });
  if (provider.issuer) {
    const metadata = configuration.serverMetadata();
    const iss = params.getAll("iss");
    if (iss.length > 1 || (iss.length === 1 && iss[0] !== metadata.issuer)) throw invalid("invalid_state");
    if (iss.length === 0 && metadata.authorization_response_iss_parameter_supported) throw invalid("invalid_state");
  }
  const state = params.getAll("state");
  if (state.length !== 1 || !sameString(state[0]!, expectedState)) throw invalid("invalid_state");

  const error = params.get("error");
  if (error !== null) {
    throw new OAuthFlowError({ code: authorizationResponseCode(error), phase: "authorization", providerError: error });
  }
  if (!params.get("code")) throw invalid("oauth_error");
}

function toTokenSet(response: oauth.TokenEndpointResponse): TokenSet {
  const now = Date.now();
  const at = (seconds: unknown) => {
    // Stryker disable next-line ConditionalExpression: the pattern matches a number only when it is already a whole number, which Number() returns unchanged.
    const value = typeof seconds === "string" && /^\d+$/.test(seconds) ? Number(seconds) : seconds;
    // Stryker disable next-line ConditionalExpression: Number.isFinite is false for anything but a number; the typeof check only narrows the type.
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? new Date(now + value * 1000) : null;
  };
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    accessTokenExpiresAt: at(response.expires_in),
    refreshTokenExpiresAt: at(response.refresh_token_expires_in),
    scope: response.scope ?? null,
    tokenType: response.token_type,
  };
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
