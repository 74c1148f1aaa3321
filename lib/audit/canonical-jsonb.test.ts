import { describe, expect, it } from "vitest";

import { CanonicalJsonb } from "./canonical-jsonb";
import { canonicalJson } from "./offline-verifier.mjs";
import { jsonbText } from "@/test/support/copy-output";

const writer = new CanonicalJsonb();

/** The fast path's answer for jsonb text, read from the middle of a larger buffer; null when it declines. */
function fast(text: string | Buffer): string | null {
  const bytes = Buffer.concat([Buffer.from("xx"), Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8"), Buffer.from("yy")]);
  const out = Buffer.alloc(bytes.length + 8, 0x2a);
  const end = writer.write(bytes, 2, bytes.length - 2, out, 3);
  if (end < 0) return null;
  expect(end - 3).toBeLessThanOrEqual(bytes.length - 4); // never longer than the text
  return out.toString("utf8", 3, end);
}

const reference = (text: string) => canonicalJson(JSON.parse(text));

describe("canonical JSON from jsonb text", () => {
  const handled: [string, unknown][] = [
    ["the usual metadata", { providerName: "Sandbox Bank", requestId: null }],
    ["a failure's metadata", { providerName: "Sandbox Bank", requestId: "req-1", reasonText: "The bank could not be reached." }],
    ["an empty object", {}],
    ["keys jsonb orders by length", { zz: 1, a: 2, providerName: "x", b: true, aa: false, B: null, _: "u" }],
    ["keys that are prefixes of others, and spaces or ! in keys", { a: 1, "a!": 2, "a ": 3, ab: 4, "a!b": 5, " ": 6, "!": 7 }],
    ["nested objects and arrays", { z: [1, "x", { y: null, b: true, a: [] }], a: { d: { c: 1, b: 2 }, a: [[], [{}]] } }],
    ["quotes, backslashes and every control character", { s: `"\\/${Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join("")}\u007f` }],
    ["non-ASCII text and emoji", { providerName: "Société Générale 銀行 😀", requestId: "\u2028\u2029" }],
    ["integers up to 15 digits", { n: [0, -1, 7, 123456789012345, -123456789012345] }],
    ["scalars at the top", "just a string"],
    ["null at the top", null],
    ["an array at the top", [true, false, null, "a"]],
  ];
  it.each(handled)("%s: the same bytes as canonicalJson", (_name, value) => {
    const text = jsonbText(value);
    expect(fast(text)).toBe(reference(text));
  });

  // What PostgreSQL prints that the fast path leaves to the reference (which still answers).
  const declined: [string, string][] = [
    ["a fraction", '{"n": 1.0}'],
    ["an exponent's expansion", '{"n": 1000000000000000000000}'],
    ["16 digits", '{"n": 1234567890123456}'],
    ["a negative fraction", '{"n": -0.5}'],
    ["a non-ASCII key", '{"é": 1}'],
    ["a key with an escape", '{"a\\"b": 1}'],
  ];
  it.each(declined)("%s: declined", (_name, text) => {
    expect(fast(text)).toBeNull();
    expect(reference(text)).toEqual(expect.any(String));
  });

  // Text PostgreSQL does not print, which the fast path must not take on trust.
  const notJsonb: [string, string | Buffer][] = [
    ["spacing other than jsonb's", '{"a":1}'],
    ["a space before a comma", '{"a": 1 , "b": 2}'],
    ["-0", "-0"],
    ["a leading zero", "[01]"],
    ["an escaped slash", '"a\\/b"'],
    ["an escaped non-ASCII character", '"\\u00e9"'],
    ["an uppercase escape", '"\\u001F"'],
    ["a long escape for a character with a short one", '"\\u000a"'],
    ["an escaped surrogate", '"\\ud83d\\ude00"'],
    ["a raw control character", '"a\tb"'],
    ["invalid UTF-8", Buffer.from([0x22, 0xc3, 0x28, 0x22])],
    ["a truncated string", '"abc'],
    ["a truncated object", '{"a": 1'],
    ["something after the value", "null null"],
    ["a bare word", "nul"],
    ["empty text", ""],
    ["nesting deeper than 32", `${"[".repeat(40)}${"]".repeat(40)}`],
  ];
  it.each(notJsonb)("%s: declined", (_name, text) => {
    expect(fast(text)).toBeNull();
  });

  it("keeps no state from one value to the next", () => {
    expect(fast('{"b": 1, "a": {"d": 2, "c": [3]}}')).toBe('{"a":{"c":[3],"d":2},"b":1}');
    expect(fast('{"é": 1}')).toBeNull();
    expect(fast('{"b": 1, "a": 2}')).toBe('{"a":2,"b":1}');
  });
});
