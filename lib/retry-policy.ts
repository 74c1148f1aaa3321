/**
 * Every retry schedule in the app, and the one backoff function they share. The numbers
 * live here only; docs point to this file.
 */
export interface RetryPolicy {
  /** Tries in all, the first included; after the last one the work is dead (or failed). */
  maxAttempts: number;
  /** Wait after the first failure; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * `add` (default): up to 10% extra, which spreads a burst of failures (an SMTP outage).
   * `equal`: between half and all of the delay, so many clients hitting one provider that
   * comes back are spread widely, while retries still space out as failures add up.
   */
  jitter?: "add" | "equal";
}

/** Event handlers: 30 s, 1 min, 2 min … capped at 1 h; given up after 8 tries. */
export const HANDLER_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000 };

/** Emails: 1, 2, 4, 8, 16 min; marked failed after 6 tries. */
export const EMAIL_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000 };

/** Transient token-refresh failures: 30 s, 1 min, 2 min … capped at 1 h; retried until the token expires. */
export const REFRESH_RETRY_POLICY: RetryPolicy = { maxAttempts: Infinity, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000, jitter: "equal" };

/**
 * The first accounts read after a connect, when the sweep catches it up: 1, 2, 4, 8, 16 min
 * after the last try; given up after 6 tries (the card then offers Refresh accounts). The read
 * after the response counts as the first try, started when the connection was activated.
 */
export const ACCOUNTS_CATCH_UP_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000 };

/** The wait after `failures` consecutive failures (1 = the first): exponential, capped, with jitter. */
export function backoffDelayMs(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.baseDelayMs * 2 ** Math.max(0, failures - 1), policy.maxDelayMs);
  return policy.jitter === "equal" ? ceiling / 2 + random() * (ceiling / 2) : Math.round(ceiling * (1 + 0.1 * random()));
}

/** When to try again after `attempts` tries have failed, or null when that was the last. */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, now: Date, random: () => number = Math.random): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  return new Date(now.getTime() + backoffDelayMs(policy, attempts, random));
}
