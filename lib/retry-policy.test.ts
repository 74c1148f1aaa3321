import { describe, expect, it } from "vitest";

import { EMAIL_RETRY_POLICY, HANDLER_RETRY_POLICY, nextAttemptAt } from "./retry-policy";

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
