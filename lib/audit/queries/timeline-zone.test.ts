import { describe, expect, it } from "vitest";

import { timelineZone, timelineZoneParam } from "./timeline-zone";

describe("the timeline's zone", () => {
  it("is the admin's own zone by default when one is stored, else UTC", () => {
    expect(timelineZone(undefined, "America/New_York")).toEqual({ choice: "local", zone: "America/New_York", local: "America/New_York" });
    expect(timelineZone(undefined, null)).toEqual({ choice: "utc", zone: "UTC", local: "UTC" });
    expect(timelineZone(undefined, "Not/AZone")).toEqual({ choice: "utc", zone: "UTC", local: "UTC" });
  });

  it("follows the switch", () => {
    expect(timelineZone("utc", "America/New_York")).toEqual({ choice: "utc", zone: "UTC", local: "America/New_York" });
    expect(timelineZone("local", "Asia/Tokyo").zone).toBe("Asia/Tokyo");
    expect(timelineZone("local", null)).toEqual({ choice: "local", zone: "UTC", local: "UTC" });
  });

  it("accepts only utc or local in the address", () => {
    expect(timelineZoneParam.safeParse("utc").success).toBe(true);
    expect(timelineZoneParam.safeParse(undefined).success).toBe(true);
    for (const bad of ["UTC", "Europe/Paris", "", "local "]) expect(timelineZoneParam.safeParse(bad).success).toBe(false);
  });
});
