/**
 * The fixed failure reasons of DESIGN.md §1. Events, audit rows and the UI carry these
 * codes only, never free text, so an error message (which could quote a provider's
 * response, or a token) cannot ride along into the trail.
 */

export const CONNECTION_FAILURE_REASONS = [
  "user_cancelled",
  "oauth_error",
  "invalid_state",
  "invalid_credentials",
  "provider_unavailable",
  "rate_limited",
] as const;
export type ConnectionFailureReason = (typeof CONNECTION_FAILURE_REASONS)[number];

export const DISCONNECTION_FAILURE_REASONS = [
  // Also answered for someone else's connection: never reveal that it exists.
  "connection_not_found",
  "database_error",
] as const;
export type DisconnectionFailureReason = (typeof DISCONNECTION_FAILURE_REASONS)[number];

export const REFRESH_FAILURE_REASONS = [
  "refresh_token_expired",
  "provider_revoked",
  "invalid_credentials",
  "provider_unavailable",
  "network_error",
  "rate_limited",
] as const;
export type RefreshFailureReason = (typeof REFRESH_FAILURE_REASONS)[number];

export type FailureReason = ConnectionFailureReason | DisconnectionFailureReason | RefreshFailureReason;

const REASON_TEXTS: Record<FailureReason, string> = {
  user_cancelled: "The connection was cancelled at the provider.",
  oauth_error: "The provider reported an error while granting access.",
  invalid_state: "The sign-in link expired or was already used. Please start again.",
  invalid_credentials: "The provider did not accept Ledgerlink's credentials.",
  provider_unavailable: "The provider is not responding right now. Please try again later.",
  rate_limited: "The provider is receiving too many requests. Please try again in a few minutes.",
  connection_not_found: "That connection could not be found.",
  database_error: "Something went wrong on our side. Please try again.",
  refresh_token_expired: "Your access to this provider has expired.",
  provider_revoked: "The provider withdrew Ledgerlink's access.",
  network_error: "Ledgerlink could not reach the provider.",
};

const UNKNOWN_REASON_TEXT = "Something went wrong. Please try again.";

export function isFailureReason(value: string): value is FailureReason {
  return Object.hasOwn(REASON_TEXTS, value);
}

/**
 * The sentence shown to a person for a failure reason. Accepts any string (a stored status
 * reason, a query parameter) and answers a generic sentence for one it does not know, so a
 * tampered URL cannot put its own words on the page.
 */
export function reasonText(reason: FailureReason | (string & {})): string {
  return isFailureReason(reason) ? REASON_TEXTS[reason] : UNKNOWN_REASON_TEXT;
}
