import { expect, test } from "vitest";

import { formatDateTime, formatRelative } from "./format";

const at = new Date("2026-11-27T10:04:05Z");

test("times are shown in UTC and say so, with seconds for audit trails", () => {
  expect(formatDateTime(at)).toBe("27 Nov 2026, 10:04 UTC");
  expect(formatDateTime(at, { withSeconds: true })).toBe("27 Nov 2026, 10:04:05 UTC");
  expect(formatDateTime("2026-11-27T00:00:00Z")).toBe("27 Nov 2026, 00:00 UTC");
  expect(formatDateTime(null)).toBe("—");
});

test("relative times pick a readable unit", () => {
  expect(formatRelative(new Date(at.getTime() + 4 * 60_000), at)).toBe("in 4 minutes");
  expect(formatRelative(new Date(at.getTime() - 2 * 3600_000), at)).toBe("2 hours ago");
  expect(formatRelative(new Date(at.getTime() + 30 * 86400_000), at)).toBe("in 30 days");
  expect(formatRelative(null, at)).toBe("—");
});
