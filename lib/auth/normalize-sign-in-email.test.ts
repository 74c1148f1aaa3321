import { describe, expect, test } from "vitest";

import { InvalidSignInEmail, normalizeSignInEmail } from "./normalize-sign-in-email";

describe("normalizeSignInEmail", () => {
  test.each([
    ["Ada@Example.COM", "ada@example.com"],
    ["  ada@example.com\t", "ada@example.com"],
    ["ada\uFF20example.com", "ada@example.com"],
    ["ada+ledger@example.test", "ada+ledger@example.test"],
  ])("accepts %j as %j", (input, expected) => {
    expect(normalizeSignInEmail(input)).toBe(expected);
  });

  test.each([
    "a@x.test,b@y.test",
    "a@x.test;b@y.test",
    "a@x.test b@y.test",
    "a@x.test\uFF0Cb@y.test",
    '"a@x.test"@y.test',
    "Ada <a@x.test>",
    "a@x.test (comment)",
    "a b@x.test",
    "a@x.test\nbcc: b@y.test",
    "a@@x.test",
    "@x.test",
    "a@",
    "",
    `${"a".repeat(250)}@x.test`,
    undefined,
    ["a@x.test"],
  ])("refuses %j", (input) => {
    expect(() => normalizeSignInEmail(input)).toThrow(InvalidSignInEmail);
  });
});
