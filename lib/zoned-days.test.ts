import { describe, expect, it } from "vitest";

import { addDays, dayInZone, dayRangeInZone, startOfDayInZone, zoneOffsetMs } from "./zoned-days";

const NY = "America/New_York";

describe("days in a time zone", () => {
  it("starts a day at the zone's midnight, before and after a DST change", () => {
    expect(startOfDayInZone("2026-03-07", NY).toISOString()).toBe("2026-03-07T05:00:00.000Z");
    // Spring forward at 02:00 on 8 March: the day starts at EST midnight and is 23 hours long.
    expect(startOfDayInZone("2026-03-08", NY).toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDayInZone("2026-03-09", NY).toISOString()).toBe("2026-03-09T04:00:00.000Z");
    // Fall back at 02:00 on 1 November: the day starts at EDT midnight and is 25 hours long.
    expect(startOfDayInZone("2026-11-01", NY).toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(startOfDayInZone("2026-11-02", NY).toISOString()).toBe("2026-11-02T05:00:00.000Z");
  });

  it("reads a day filter as midnight to midnight in the zone, the last day included", () => {
    const spring = dayRangeInZone({ from: "2026-03-08", to: "2026-03-08" }, NY);
    expect(spring.start?.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(spring.end?.toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(spring.end!.getTime() - spring.start!.getTime()).toBe(23 * 3_600_000);
    const autumn = dayRangeInZone({ from: "2026-11-01", to: "2026-11-01" }, NY);
    expect(autumn.end!.getTime() - autumn.start!.getTime()).toBe(25 * 3_600_000);
    expect(dayRangeInZone({ from: "2026-10-01" }, "UTC")).toEqual({ start: new Date("2026-10-01T00:00:00Z"), end: null });
    expect(dayRangeInZone({ to: "2026-10-31" }, "Asia/Kolkata")).toEqual({ start: null, end: new Date("2026-10-31T18:30:00Z") });
  });

  it("starts a day at its midnight when the clocks change within hours after it (east of UTC)", () => {
    // Israel moves to summer time at 02:00 on Friday 27 March 2026: UTC midnight is already summer time there.
    expect(startOfDayInZone("2026-03-27", "Asia/Jerusalem").toISOString()).toBe("2026-03-26T22:00:00.000Z");
    expect(startOfDayInZone("2026-03-28", "Asia/Jerusalem").toISOString()).toBe("2026-03-27T21:00:00.000Z");
  });

  it("starts a day whose midnight the clocks skip at the jump", () => {
    // Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    expect(startOfDayInZone("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(dayInZone(new Date("2026-09-06T03:59:59Z"), "America/Santiago")).toBe("2026-09-05");
  });

  it("tells which day an instant falls on there", () => {
    expect(dayInZone(new Date("2026-03-08T04:59:59Z"), NY)).toBe("2026-03-07");
    expect(dayInZone(new Date("2026-03-08T05:00:00Z"), NY)).toBe("2026-03-08");
    expect(dayInZone(new Date("2026-11-02T04:59:59Z"), NY)).toBe("2026-11-01");
    expect(dayInZone(new Date("2026-11-02T04:59:59Z"), "UTC")).toBe("2026-11-02");
    expect(zoneOffsetMs(new Date("2026-07-01T12:00:00Z"), NY)).toBe(-4 * 3_600_000);
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});
