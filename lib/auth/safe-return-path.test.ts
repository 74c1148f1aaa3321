import { describe, expect, test } from "vitest";

import { safeReturnPath } from "./safe-return-path";

describe("safeReturnPath", () => {
  test.each(["/connections", "/activity?only=problems", "/admin/audit?provider=sandbox-bank#run", "/connections/callback/x"])(
    "keeps the same-site path %s",
    (path) => expect(safeReturnPath(path)).toBe(path),
  );

  test.each([
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example".replace("%09", "\t"),
    "/\n/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "",
    42,
    undefined,
  ])("refuses %j and falls back", (value) => {
    expect(safeReturnPath(value)).toBe("/connections");
  });
});
