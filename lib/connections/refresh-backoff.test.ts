import { describe, expect, test } from "vitest";

import { REFRESH_BACKOFF, refreshBackoffSeconds } from "./refresh-backoff";

describe("refreshBackoffSeconds", () => {
  test("doubles with each failure, between half and all of the ceiling", () => {
    expect(refreshBackoffSeconds(1, { random: () => 0 })).toBe(15);
    expect(refreshBackoffSeconds(1, { random: () => 1 })).toBe(30);
    expect(refreshBackoffSeconds(2, { random: () => 1 })).toBe(60);
    expect(refreshBackoffSeconds(3, { random: () => 0 })).toBe(60);
    expect(refreshBackoffSeconds(3, { random: () => 1 })).toBe(120);
  });

  test("is capped at an hour however many failures", () => {
    expect(refreshBackoffSeconds(50, { random: () => 1 })).toBe(REFRESH_BACKOFF.maxSeconds);
    expect(refreshBackoffSeconds(50, { random: () => 0 })).toBe(REFRESH_BACKOFF.maxSeconds / 2);
  });

  test("waits at least as long as the provider's Retry-After", () => {
    expect(refreshBackoffSeconds(1, { random: () => 0, retryAfterSeconds: 600 })).toBe(600);
    expect(refreshBackoffSeconds(1, { random: () => 1, retryAfterSeconds: 1 })).toBe(30);
  });

  test("jitter spreads retries", () => {
    const delays = new Set(Array.from({ length: 50 }, () => refreshBackoffSeconds(4)));
    expect(delays.size).toBeGreaterThan(5);
  });
});
