/**
 * When to try again after a transient refresh failure: exponential (30 s, 1 min, 2 min…
 * capped at 1 h) with jitter, so a provider coming back is not hit by every connection
 * at the same second. A provider's Retry-After is respected when it asks for longer.
 */
export const REFRESH_BACKOFF = { baseSeconds: 30, maxSeconds: 60 * 60 } as const;

export function refreshBackoffSeconds(
  consecutiveFailures: number,
  { retryAfterSeconds = null, random = Math.random }: { retryAfterSeconds?: number | null; random?: () => number } = {},
): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  const ceiling = Math.min(REFRESH_BACKOFF.maxSeconds, REFRESH_BACKOFF.baseSeconds * 2 ** exponent);
  // "Equal jitter": at least half the ceiling, so retries still space out as failures add up.
  const delay = ceiling / 2 + random() * (ceiling / 2);
  return Math.ceil(Math.max(delay, retryAfterSeconds ?? 0));
}
