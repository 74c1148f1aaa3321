import { describe, expect, it } from "vitest";

import { CanonicalJsonb, stringifiesAsIs } from "./canonical-jsonb";
import { canonicalJson } from "./offline-verifier.mjs";
import { jsonbText } from "@/test/support/copy-output";
import { seededRandom } from "@/test/support/seeded-random";

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
    ["an integer at the top", 42],
    ["brackets inside strings, in nested values", { b: ["]", "}", "[{"], a: { c: ["x"], d: "}" }, e: [["]"], "x"] }],
    ["numbers from 9 up", [9, 98, -9, 90]],
    ["an object of 100 keys (past the first entries buffer)", Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]))],
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
    ["arrays nested 33 deep", `${"[".repeat(33)}${"]".repeat(33)}`],
    ["objects nested 33 deep", `${'{"a": '.repeat(33)}1${"}".repeat(33)}`],
    ["a key followed by something other than a colon", '{"a"x 1}'],
    ["a colon with no space after it", '{"a":x1}'],
    ["an item followed by something other than a comma", '{"a": 1; "b": 2}'],
    ["a comma with no space after it in an object", '{"a": 1,x"b": 2}'],
    ["a comma with no space after it in an array", "[1,x2]"],
    ["an array item followed by something other than a comma", "[1; 2]"],
    ["a key that is not a string", "{a: 1}"],
    ["a key that never ends", '{"ab'],
    ["a value that never ends", '{"a": "b'],
    ["a key with a control character", '{"a\tb": 1}'],
    ["a key with DEL is fine, one with a byte over 0x7f is not", '{"\u0080": 1}'],
    ["an escape that is not a hex digit", '"\\u000g"'],
    ["an escape with a non-digit below 0", '"\\u00 1"'],
    ["an escape cut short by the end", '"\\u00'],
    ["a short escape JSON.stringify does not write", '"\\a"'],
    ["a backslash at the very end", '"\\'],
    ["a minus alone", "-"],
    ["a minus before a non-digit", "-a"],
    ["a number followed by something else", "[1x]"],
    ["a literal cut short", "tru"],
    ["a literal spelled wrong", "fals3"],
    ["an escaped space (JSON.stringify writes it as itself)", '"\\u0020"'],
    ["a lone continuation byte in a string", Buffer.from([0x22, 0x80, 0x22])],
    ["a lone continuation byte in a key", Buffer.from('{"\x80": 1}', "latin1")],
  ];
  it.each(notJsonb)("%s: declined", (_name, text) => {
    expect(fast(text)).toBeNull();
  });

  // The nesting limit's boundary: 32 levels are taken, 33 declined (above).
  it.each([
    ["arrays nested 32 deep", `${"[".repeat(32)}${"]".repeat(32)}`],
    ["objects nested 32 deep", `${'{"a": '.repeat(32)}1${"}".repeat(32)}`],
    ["an object inside an array inside an object, sorted at every level", '{"bb": [{"d": [1, {"f": 2, "e": 3}], "c": 4}], "a": {"b": 1, "a": 2}}'],
    ["the escapes that are left as they are, next to the ones that decide", '{"k": "\\u0001\\u001f\\u0000\\n\\"\\\\"}'],
    ["every digit, and a minus", "[-9876543210, 1234567890, -1, 0]"],
    ["a key at the boundary of the allowed bytes", '{"~": 1, " ": 2, "\u007f": 3}'],
  ])("%s: the same bytes as canonicalJson", (_name, text) => {
    expect(fast(text)).toBe(reference(text));
  });

  /**
   * Whatever the text, the fast path answers exactly what the reference answers for it, or
   * declines: it may leave any text to the reference, but never write different bytes, and
   * never accept what the reference cannot parse. Seeded edits of jsonb texts (bytes replaced,
   * inserted or removed, from the characters the parser decides on) probe each check.
   */
  it("on edited jsonb text, either declines or writes exactly the reference's bytes", () => {
    const random = seededRandom(20261207);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const texts = handled.map(([, value]) => jsonbText(value));
    const alphabet = Buffer.from('{}[]":, \\u0aftrnle-19gx\t');
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = [...Buffer.from(pick(texts))];
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * (bytes.length + 1));
        const byte = random() < 0.03 ? 0x80 + Math.floor(random() * 0x80) : pick([...alphabet]);
        const kind = random();
        if (kind < 0.4) bytes.splice(at, 1, byte);
        else if (kind < 0.7) bytes.splice(at, 0, byte);
        else bytes.splice(at, 1);
      }
      const text = Buffer.from(bytes);
      let expected: string | null;
      try {
        expected = reference(text.toString("utf8"));
      } catch {
        expected = null; // not JSON: the fast path must decline it
      }
      const got = fast(text);
      if (got === null) continue;
      accepted++;
      expect({ text: text.toString("utf8"), got }).toEqual({ text: text.toString("utf8"), got: expected });
    }
    // The edits leave many texts valid: the property was checked on accepted ones too.
    expect(accepted).toBeGreaterThan(1_000);
  });

  it("stringifiesAsIs: a lone continuation byte is not UTF-8, a plain or valid non-ASCII text is", () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    expect(stringifiesAsIs(bytes(0x61, 0x80, 0x62), 0, 3)).toBe(false);
    expect(stringifiesAsIs(bytes(0x61, 0xc3, 0xa9), 0, 3)).toBe(true);
    expect(stringifiesAsIs(bytes(0x20, 0x7e), 0, 2)).toBe(true);
    // Only the range given is read.
    expect(stringifiesAsIs(bytes(0x22, 0x61, 0x22), 1, 2)).toBe(true);
  });

  it("keeps no state from one value to the next", () => {
    expect(fast('{"b": 1, "a": {"d": 2, "c": [3]}}')).toBe('{"a":{"c":[3],"d":2},"b":1}');
    expect(fast('{"é": 1}')).toBeNull();
    expect(fast('{"b": 1, "a": 2}')).toBe('{"a":2,"b":1}');
  });
});
