import { describe, expect, it } from "vitest";

import { uuidv7, uuidv7Timestamp } from "./uuid-v7";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  it("has the RFC 9562 layout: version 7, variant 10", () => {
    for (let i = 0; i < 1_000; i++) expect(uuidv7()).toMatch(UUID_V7);
  });

  it("encodes the millisecond timestamp", () => {
    const now = Date.now();
    expect(Math.abs(uuidv7Timestamp(uuidv7()) - now)).toBeLessThan(1_000);
    const later = now + 3_600_000;
    expect(uuidv7Timestamp(uuidv7(later))).toBe(later);
  });

  it("is unique and strictly increasing within this process, even within one millisecond", () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it("stays increasing when the clock goes backwards", () => {
    const later = uuidv7(Date.now() + 60_000);
    const earlier = uuidv7(Date.now());
    expect(earlier > later).toBe(true);
  });
});
