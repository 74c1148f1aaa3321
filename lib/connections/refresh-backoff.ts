import { backoffDelayMs, REFRESH_RETRY_POLICY } from "../retry-policy";

/** REFRESH_RETRY_POLICY (lib/retry-policy.ts) in seconds, the unit of a provider's Retry-After. */
export const REFRESH_BACKOFF = {
  baseSeconds: REFRESH_RETRY_POLICY.baseDelayMs / 1000,
  maxSeconds: REFRESH_RETRY_POLICY.maxDelayMs / 1000,
} as const;

/** Seconds to wait after a transient refresh failure; a provider's Retry-After wins when it asks for longer. */
export function refreshBackoffSeconds(
  consecutiveFailures: number,
  { retryAfterSeconds = null, random = Math.random }: { retryAfterSeconds?: number | null; random?: () => number } = {},
): number {
  const delaySeconds = backoffDelayMs(REFRESH_RETRY_POLICY, consecutiveFailures, random) / 1000;
  return Math.ceil(Math.max(delaySeconds, retryAfterSeconds ?? 0));
}
