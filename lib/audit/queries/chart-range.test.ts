import { describe, expect, it } from "vitest";

import { chartRange, MAX_CHART_DAYS } from "./count-runs-per-day";

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe("the chart's days", () => {
  it("without dates: the last 30 days up to today, midnight to midnight", () => {
    const range = chartRange({}, new Date("2026-06-15T10:00:00.000Z"));
    expect(range.days).toHaveLength(30);
    expect(range.days[0]).toBe("2026-05-17");
    expect(range.days.at(-1)).toBe("2026-06-15");
    expect(range).toMatchObject({ start: day("2026-05-17"), end: day("2026-06-16") });
  });

  it("with dates: the filter's own days and bounds", () => {
    const filter = { start: new Date("2026-06-01T12:00:00.000Z"), end: day("2026-06-03") };
    expect(chartRange(filter)).toEqual({ start: filter.start, end: filter.end, days: ["2026-06-01", "2026-06-02"] });
  });

  it(`at most ${MAX_CHART_DAYS} days, the last ones: a longer range starts at the earliest day shown`, () => {
    const end = day("2026-06-03");
    const longer = chartRange({ start: new Date("2024-01-01T12:00:00.000Z"), end });
    expect(longer.days).toHaveLength(MAX_CHART_DAYS);
    expect(longer.days[0]).toBe("2025-06-02");
    expect(longer.days.at(-1)).toBe("2026-06-02");
    expect(longer).toMatchObject({ start: day("2025-06-02"), end });

    // Exactly as long as the limit: the filter's own start stands.
    const exact = chartRange({ start: new Date("2025-06-02T12:00:00.000Z"), end });
    expect(exact.days).toEqual(longer.days);
    expect(exact.start).toEqual(new Date("2025-06-02T12:00:00.000Z"));
    // One day longer: cut to the limit.
    const oneMore = chartRange({ start: new Date("2025-06-01T12:00:00.000Z"), end });
    expect(oneMore.days).toEqual(longer.days);
    expect(oneMore.start).toEqual(day("2025-06-02"));
  });

  it("counts days in the chosen zone", () => {
    const range = chartRange({}, new Date("2026-06-15T23:30:00.000Z"), "Asia/Tokyo");
    expect(range.days.at(-1)).toBe("2026-06-16");
    expect(range.end).toEqual(new Date("2026-06-16T15:00:00.000Z"));
  });
});
