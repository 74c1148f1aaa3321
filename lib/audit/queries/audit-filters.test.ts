import { describe, expect, it } from "vitest";

import { dateBounds, filtersToSearchParams, hasFilters, hrefWith, parseAuditFilters } from "./audit-filters";
import { cursorTimestamp, decodeCursor, encodeCursor, isCursorParam } from "./audit-cursor";

describe("the timeline's filters in the URL", () => {
  it("read every filter, normalised, and ignore empty fields", () => {
    const { filters, ignored } = parseAuditFilters({
      user: " Ada@Example.COM ",
      provider: "acme-bank",
      workflow: "refresh",
      outcome: "failed",
      reason: "provider_revoked",
      from: "2026-10-01",
      to: "2026-10-31",
      correlation: "0192F0C5-3C8E-7C4A-9E5B-0A1B2C3D4E5F",
      older: "ignored-here",
      extra: "x",
    });
    expect(ignored).toEqual([]);
    expect(filters).toEqual({
      user: "ada@example.com",
      provider: "acme-bank",
      workflow: "refresh",
      outcome: "failed",
      reason: "provider_revoked",
      from: "2026-10-01",
      to: "2026-10-31",
      correlation: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f",
    });
    expect(parseAuditFilters({ user: "", provider: "  " })).toEqual({ filters: {}, ignored: [] });
  });

  it("drop (and report) only the values that are not valid, never guessing", () => {
    const { filters, ignored } = parseAuditFilters(
      new URLSearchParams("user=nope&provider=Acme Bank;drop&workflow=delete&outcome=maybe&reason=<script>&from=2026-02-30&to=2026-13-01&correlation=123&outcome=failed"),
    );
    expect(filters).toEqual({});
    expect(ignored).toEqual(["user", "provider", "workflow", "outcome", "reason", "from", "to", "correlation"]);
  });

  it("read a backwards date range as the days between, UTC, the end day included", () => {
    const { filters } = parseAuditFilters({ from: "2026-10-31", to: "2026-10-01" });
    expect(filters).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(dateBounds(filters)).toEqual({ start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-11-01T00:00:00Z") });
  });

  it("write back in a fixed order, so a shared link and its export name the same view", () => {
    const filters = { to: "2026-10-31", outcome: "failed", provider: "acme-bank" } as const;
    expect(filtersToSearchParams(filters, { format: "csv" }).toString()).toBe("provider=acme-bank&outcome=failed&to=2026-10-31&format=csv");
    expect(hrefWith("/admin/audit", {})).toBe("/admin/audit");
    expect(hasFilters({})).toBe(false);
    expect(hasFilters(filters)).toBe(true);
  });
});

describe("date filters", () => {
  it("refuse year 0000, which Postgres does not have, and keep year 0001", () => {
    expect(parseAuditFilters({ from: "0000-06-01" })).toEqual({ filters: {}, ignored: ["from"] });
    expect(parseAuditFilters({ from: "0001-06-01" })).toEqual({ filters: { from: "0001-06-01" }, ignored: [] });
  });

  it("swap a backwards range only when both ends are given and the first is later", () => {
    expect(parseAuditFilters({ from: "2026-10-01", to: "2026-10-01" }).filters).toEqual({ from: "2026-10-01", to: "2026-10-01" });
    expect(parseAuditFilters({ from: "2026-10-31" }).filters).toEqual({ from: "2026-10-31" });
    expect(parseAuditFilters({ to: "2026-10-01" }).filters).toEqual({ to: "2026-10-01" });
  });

  it("links leave out empty extras, and keep the path alone when there is no query", () => {
    expect(hrefWith("/admin/audit", {}, { older: undefined, tz: "" })).toBe("/admin/audit");
    expect(hrefWith("/admin/audit", {}, { tz: "utc" })).toBe("/admin/audit?tz=utc");
  });
});

describe("keyset cursors", () => {
  it("round-trip (occurred_at in microseconds, seq) through an opaque URL-safe string", () => {
    const cursor = { occurredUs: "1795735861768123", seq: 9_007_199_254_740 };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
    expect(cursorTimestamp(cursor)).toBe("2026-11-26T23:31:01.768123Z");
    expect(cursorTimestamp({ occurredUs: "1000", seq: 1 })).toBe("1970-01-01T00:00:00.001000Z");
  });

  it("refuse anything that is not one of ours", () => {
    for (const bad of [undefined, null, "", "x", "!!!", Buffer.from("v2.1.2").toString("base64url"), Buffer.from("v1.1e5.2").toString("base64url"), Buffer.from("v1.1.2.3").toString("base64url"), "a".repeat(200)]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });

  it("refuse a cursor of ours with anything around it, and one longer than 80 characters", () => {
    const ours = encodeCursor({ occurredUs: "1795735861768123", seq: 42 });
    for (const bad of [`!${ours}`, `${ours}!`, `${ours}.`, ` ${ours}`]) expect(decodeCursor(bad), bad).toBeNull();
    // Base64url of "v1.<digits>.<digits>" whose length is over 80: well formed, still refused.
    const long = encodeCursor({ occurredUs: "1".repeat(20), seq: 1 }) + "A".repeat(60);
    expect(long.length).toBeGreaterThan(80);
    expect(decodeCursor(long)).toBeNull();
  });

  it("read leading zeros as the same instant", () => {
    const padded = Buffer.from("v1.0001795735861768123.7").toString("base64url");
    expect(decodeCursor(padded)).toEqual({ occurredUs: "1795735861768123", seq: 7 });
    expect(decodeCursor(Buffer.from("v1.000.7").toString("base64url"))).toEqual({ occurredUs: "0", seq: 7 });
  });

  it("as a page parameter: absent is fine, ours is fine, anything else is a bad address", () => {
    expect(isCursorParam(undefined)).toBe(true);
    expect(isCursorParam(encodeCursor({ occurredUs: "1795735861768123", seq: 1 }))).toBe(true);
    expect(isCursorParam("")).toBe(false);
    expect(isCursorParam("not-a-cursor")).toBe(false);
  });

  it("refuse an instant past year 9999, which would overflow the Date the query is built from", () => {
    expect(decodeCursor("djEuOTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ")).toBeNull(); // v1.99999999999999999999.1
    expect(decodeCursor(encodeCursor({ occurredUs: "8640000000000001000", seq: 1 }))).toBeNull();
    const latest = { occurredUs: "253402300799999999", seq: 1 };
    expect(decodeCursor(encodeCursor(latest))).toEqual(latest);
    expect(cursorTimestamp(latest)).toBe("9999-12-31T23:59:59.999999Z");
  });
});
