import {
  AuthorizationResponseError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
} from "openid-client";

import type { ConnectionFailureReason, RefreshFailureReason } from "../failure-reasons";

export type { ConnectionFailureReason, RefreshFailureReason };

export type OAuthFailureCode = ConnectionFailureReason | RefreshFailureReason;

/** Where in the flow an error happened; it decides part of the mapping. */
export type OAuthPhase = "authorization" | "code_exchange" | "refresh" | "revocation";

const RETRYABLE = new Set<OAuthFailureCode>(["provider_unavailable", "network_error", "rate_limited"]);

const MESSAGES: Record<OAuthFailureCode, string> = {
  user_cancelled: "The connection was cancelled at the provider.",
  oauth_error: "The provider refused the request.",
  invalid_state: "The provider's response does not belong to this connection attempt.",
  invalid_credentials: "The provider rejected the app's client credentials.",
  provider_unavailable: "The provider is unavailable or did not answer in time.",
  rate_limited: "The provider is limiting requests; try again later.",
  refresh_token_expired: "The provider's authorization has expired; reconnect to continue.",
  provider_revoked: "The provider withdrew the authorization; reconnect to continue.",
  network_error: "The provider could not be reached.",
};

interface OAuthFlowErrorInit {
  code: OAuthFailureCode;
  phase: OAuthPhase;
  status?: number | null;
  providerError?: string | null;
  retryAfterSeconds?: number | null;
}

/**
 * The one error the OAuth client throws for a failed flow. Its message and
 * fields never hold a token, code, secret or verifier (no `cause` is kept for
 * that reason: library errors carry the raw responses).
 */
export class OAuthFlowError extends Error {
  override readonly name = "OAuthFlowError";
  readonly code: OAuthFailureCode;
  readonly phase: OAuthPhase;
  /** Transient: try again later, with backoff. */
  readonly retryable: boolean;
  /** Only the user can fix it (by reconnecting); set for refresh failures. */
  readonly needsUserAction: boolean;
  /** HTTP status of the provider's answer, when there was one. */
  readonly status: number | null;
  /** The OAuth `error` code the provider sent (e.g. "invalid_grant"), when valid. */
  readonly providerError: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: OAuthFlowErrorInit) {
    const providerError = init.providerError && /^[\w.-]{1,64}$/.test(init.providerError) ? init.providerError : null;
    const status = init.status ?? null;
    const detail = [status && `HTTP ${status}`, providerError].filter(Boolean).join(", ");
    super(detail ? `${MESSAGES[init.code]} (${detail})` : MESSAGES[init.code]);
    this.code = init.code;
    this.phase = init.phase;
    this.retryable = RETRYABLE.has(init.code);
    this.needsUserAction = init.phase === "refresh" && !this.retryable;
    this.status = status;
    this.providerError = providerError;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }
}

/** A provider set up in a way the client refuses to use (a deployment error, not a flow outcome). */
export class OAuthConfigurationError extends Error {
  override readonly name = "OAuthConfigurationError";
}

/** Raised by the client's fetch wrapper so timeouts and network failures are told apart. */
export class OAuthTransportError extends Error {
  override readonly name = "OAuthTransportError";
  constructor(
    readonly kind: "timeout" | "network",
    options?: ErrorOptions,
  ) {
    super(kind === "timeout" ? "request timed out" : "network error", options);
  }
}

interface Facts {
  transport?: "timeout" | "network";
  status?: number;
  error?: string;
  description?: string;
  retryAfterSeconds?: number;
}

/** Maps anything thrown during an OAuth flow to an {@link OAuthFlowError}. */
export function classifyOAuthError(error: unknown, phase: OAuthPhase = "code_exchange"): OAuthFlowError {
  if (error instanceof OAuthFlowError) return error;
  const facts = inspect(error);
  return new OAuthFlowError({
    code: decide(facts, phase),
    phase,
    status: facts.status,
    providerError: facts.error,
    retryAfterSeconds: facts.retryAfterSeconds,
  });
}

/** The mapping for an `error` parameter in the authorization response (RFC 6749 §4.1.2.1). */
export function authorizationResponseCode(error: string): ConnectionFailureReason {
  if (error === "access_denied") return "user_cancelled";
  if (error === "temporarily_unavailable" || error === "server_error") return "provider_unavailable";
  return "oauth_error";
}

function decide(facts: Facts, phase: OAuthPhase): OAuthFailureCode {
  const { transport, status, error } = facts;
  if (transport === "timeout") return "provider_unavailable";
  if (transport === "network") return phase === "refresh" ? "network_error" : "provider_unavailable";
  if (phase === "authorization" && error) return authorizationResponseCode(error);
  if (status === 429) return "rate_limited";
  if (error === "invalid_client" || error === "unauthorized_client" || status === 401) return "invalid_credentials";
  if ((status !== undefined && status >= 500) || status === 408 || error === "temporarily_unavailable") {
    return "provider_unavailable";
  }
  if (phase !== "refresh") return "oauth_error";
  if (error === "invalid_grant") return expiredOrRevoked(facts.description);
  // Another OAuth error about the refresh request: a new authorization is the way out.
  if (error) return "refresh_token_expired";
  // Not an OAuth answer at all (an HTML error page, a proxy): assume a passing fault.
  return "provider_unavailable";
}

/** `invalid_grant` covers both; only a description that clearly says "revoked" or "used" counts as revoked. */
function expiredOrRevoked(description: string | undefined): RefreshFailureReason {
  const text = description?.toLowerCase() ?? "";
  if (text.includes("expired")) return "refresh_token_expired";
  if (/revoked|already used|reuse|consumed/.test(text)) return "provider_revoked";
  return "refresh_token_expired";
}

function inspect(error: unknown): Facts {
  const facts: Facts = {};
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth += 1) {
    if (current instanceof OAuthTransportError) {
      facts.transport ??= current.kind;
    } else if (isAbort(current)) {
      facts.transport ??= "timeout";
    } else if (current instanceof ResponseBodyError) {
      facts.status ??= current.status;
      facts.error ??= current.error;
      facts.description ??= current.error_description;
      facts.retryAfterSeconds ??= retryAfter(current.response);
    } else if (current instanceof WWWAuthenticateChallengeError) {
      facts.status ??= current.status;
      facts.error ??= current.cause[0]?.parameters.error;
      facts.description ??= current.cause[0]?.parameters.error_description;
      facts.retryAfterSeconds ??= retryAfter(current.response);
    } else if (current instanceof AuthorizationResponseError) {
      facts.error ??= current.error;
    } else if (current instanceof Response) {
      facts.status ??= current.status;
      facts.retryAfterSeconds ??= retryAfter(current);
    } else if (current instanceof TypeError && current.message === "fetch failed") {
      facts.transport ??= "network";
    }
    current = (current as { cause?: unknown }).cause;
  }
  return facts;
}

function isAbort(value: unknown): boolean {
  const { name, code } = value as { name?: unknown; code?: unknown };
  return (
    name === "TimeoutError" || name === "AbortError" || code === "OAUTH_TIMEOUT" || code === "OAUTH_ABORT"
  );
}

function retryAfter(response: Response | undefined): number | undefined {
  const value = response?.headers.get("retry-after");
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
