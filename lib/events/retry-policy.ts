/** How often, and how far apart, failed work is tried again before it is given up. */
export interface RetryPolicy {
  /** Tries in all, the first included; after the last one the work is dead (or failed). */
  maxAttempts: number;
  /** Wait after the first failure; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Event handlers: 30 s, 1 min, 2 min … capped at 1 h; given up after 8 tries. */
export const HANDLER_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000 };

/** Emails: 1, 2, 4, 8, 16 min; marked failed after 6 tries. */
export const EMAIL_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000 };

/**
 * When to try again after `attempts` tries have failed, or null when that was the last.
 * Up to 10% random extra delay spreads a burst of failures (an SMTP outage) over time.
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, now: Date, random: () => number = Math.random): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const delay = Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs);
  return new Date(now.getTime() + Math.round(delay * (1 + 0.1 * random())));
}
