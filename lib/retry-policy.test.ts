import { describe, expect, it } from "vitest";

import { EMAIL_RETRY_POLICY, HANDLER_RETRY_POLICY, REFRESH_RETRY_POLICY, backoffDelayMs, nextAttemptAt } from "./retry-policy";

const now = new Date("2026-11-27T10:00:00Z");
const noJitter = () => 0;

describe("retry backoff", () => {
  it("doubles from the base delay up to the cap, then gives up after the last attempt", () => {
    const delays = Array.from({ length: HANDLER_RETRY_POLICY.maxAttempts }, (_, i) => nextAttemptAt(HANDLER_RETRY_POLICY, i + 1, now, noJitter));
    expect(delays.slice(0, 3).map((d) => d!.getTime() - now.getTime())).toEqual([30_000, 60_000, 120_000]);
    expect(delays.at(-1)).toBeNull();
    expect(nextAttemptAt(EMAIL_RETRY_POLICY, 5, now, noJitter)!.getTime() - now.getTime()).toBe(16 * 60_000);
    expect(nextAttemptAt(EMAIL_RETRY_POLICY, EMAIL_RETRY_POLICY.maxAttempts, now)).toBeNull();
    expect(nextAttemptAt({ maxAttempts: 50, baseDelayMs: 1_000, maxDelayMs: 5_000 }, 20, now, noJitter)!.getTime() - now.getTime()).toBe(5_000);
  });

  it("adds at most 10% jitter", () => {
    const at = nextAttemptAt(EMAIL_RETRY_POLICY, 1, now, () => 0.999)!;
    expect(at.getTime() - now.getTime()).toBeLessThanOrEqual(66_000);
    expect(at.getTime() - now.getTime()).toBeGreaterThan(60_000);
  });
});

describe("equal jitter (token refresh)", () => {
  const policy = REFRESH_RETRY_POLICY;

  it("waits between half and all of the capped delay, never rounding it", () => {
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(15_000);
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(22_500);
    expect(backoffDelayMs(policy, 3, () => 0.33333)).toBeCloseTo(79_999.8, 6);
    // The cap applies before the jitter: after many failures the wait stays within 30–60 min.
    expect(backoffDelayMs(policy, 40, () => 0)).toBe(30 * 60_000);
    expect(backoffDelayMs(policy, 40, () => 1)).toBe(60 * 60_000);
  });

  it("never gives up: a refresh is retried until the token itself expires", () => {
    expect(nextAttemptAt(policy, 1_000, now, () => 0)!.getTime() - now.getTime()).toBe(30 * 60_000);
  });
});

describe("added jitter", () => {
  it("rounds to whole milliseconds and treats a count below one as the first failure", () => {
    expect(backoffDelayMs(HANDLER_RETRY_POLICY, 1, () => 0.00001)).toBe(30_000);
    expect(backoffDelayMs(HANDLER_RETRY_POLICY, 0, () => 0)).toBe(30_000);
    expect(backoffDelayMs(HANDLER_RETRY_POLICY, 1, () => 1)).toBe(33_000);
  });

  it("retries right up to the last attempt", () => {
    expect(nextAttemptAt(EMAIL_RETRY_POLICY, EMAIL_RETRY_POLICY.maxAttempts - 1, now, () => 0)).not.toBeNull();
  });
});
