import { describe, expect, it } from "vitest";

import { BinaryCopyReader } from "../db/binary-copy-reader";
import { bytesAre, CHAIN_COLUMNS, ChainRowHasher, chainCopyStatement, HASH_COLUMN, PREV_HASH_COLUMN, sameBytes, SEQ_COLUMN, seqAt } from "./copy-chain-rows";
import { computeAuditHash, GENESIS_HASH, HASHED_FIELDS, type HashedContent } from "./offline-verifier.mjs";
import { binaryCopyOutput, jsonbText, type CopyValue } from "@/test/support/copy-output";

const base = {
  action: "provider_token_refreshed",
  actorType: "system",
  actorUserId: null,
  connectionId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
  correlationId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
  eventId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d",
  eventType: "ProviderTokenRefreshSucceeded",
  ipAddress: null,
  metadata: { providerName: "Sandbox Bank", requestId: null },
  needsUserAction: null,
  occurredAt: "2026-05-01T12:00:00.000Z",
  outcome: "succeeded",
  providerId: "sandbox-bank",
  providerSlug: "sandbox-bank",
  reason: null,
  recordedAt: "2026-05-01T12:00:00.005Z",
  userAgent: null,
  userId: "user-1",
  workflow: "refresh",
} as unknown as HashedContent;

type Row = Record<string, unknown>;

/**
 * A row as the walk's COPY sends it: each column in its binary form (text as UTF-8, the boolean
 * as one byte, seq as int8), metadata as jsonb prints it unless given as text.
 */
function copyRow(row: Row, prevHash: string, seq = 42n): CopyValue[] {
  const values = HASHED_FIELDS.map((field): CopyValue => {
    const value = row[field];
    if (value === null || value === undefined) return null;
    if (field === "metadata") return typeof value === "string" ? value : jsonbText(value);
    if (typeof value === "boolean" || Buffer.isBuffer(value)) return value;
    return String(value);
  });
  return [...values, seq, prevHash, "f".repeat(64)];
}

/** What the walk over row objects reads for the same row: the driver parses jsonb with JSON.parse. */
function objectRow(row: Row): HashedContent {
  return { ...row, metadata: typeof row.metadata === "string" ? JSON.parse(row.metadata) : row.metadata } as HashedContent;
}

/** The copy path's hash of each row, the output cut into chunks of `chunkSize` bytes. */
function copyHashes(rows: Row[], prevHash: string, chunkSize = Infinity): string[] {
  const output = binaryCopyOutput(rows.map((row) => copyRow(row, prevHash)));
  const reader = new BinaryCopyReader(CHAIN_COLUMNS);
  const hasher = new ChainRowHasher();
  const hashes: string[] = [];
  for (let at = 0; at < output.length; at += Math.min(chunkSize, output.length)) {
    const count = reader.read(output.subarray(at, at + chunkSize));
    for (let r = 0; r < count; r++) hashes.push(hasher.hash(reader.bytes, reader.starts, reader.ends, r * CHAIN_COLUMNS, reader.sizes[r]!));
  }
  reader.finish();
  return hashes;
}

const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join("");

describe("the COPY rows hash exactly what computeAuditHash hashes", () => {
  const cases: [string, Row][] = [
    ["a plain row", {}],
    ["text that JSON escapes", { userAgent: 'Mozilla/5.0 "quoted" \\ back\tslash\n\r', reason: `line${controls}break\u007f` }],
    ["tabs and newlines alone", { userId: "\t", actorUserId: "\n", reason: "\\N" }],
    // One rule of stringifiesAsIs at a time: each of these alone must take the escaping path.
    ["a quote alone", { userAgent: 'say "hi"' }],
    ["a backslash alone", { userAgent: "C:\\Users" }],
    ["non-ASCII text", { userAgent: "Navigateur Été 😀 ünïcode \u2028", actorUserId: "ユーザー" }],
    ["an empty string, not null", { reason: "", ipAddress: "", userAgent: null }],
    ["booleans", { needsUserAction: true }],
    ["false", { needsUserAction: false }],
    ["nested metadata with keys jsonb orders otherwise", { metadata: { zz: 1, a: [1, "x", { y: null, b: true }], providerName: 'Bank "B"', é: "e", "a!": 2 } }],
    ["unicode and control characters in metadata", { metadata: { providerName: `Société ${controls} 😀`, requestId: "\u2029" } }],
    ["metadata numbers as jsonb prints them", { metadata: '{"a": 1.0, "b": 1000000000000000000000, "c": 0, "d": -0.5, "e": 1234567890123456789, "f": 0.000001}' }],
    ["metadata holding an empty object, an array and a scalar", { metadata: '{"a": {}, "b": [], "c": "x"}' }],
    ["metadata that is not an object", { metadata: '"just text"' }],
    ["timestamps with milliseconds", { occurredAt: "2026-12-31T23:59:59.999Z", recordedAt: "1999-01-01T00:00:00.001Z" }],
    ["a timestamp not in the usual form", { occurredAt: "2026-05-01 12:00:00+00" }],
    ["every nullable field null", { connectionId: null, ipAddress: "2001:db8::1", userId: null }],
  ];
  it.each(cases)("%s", (_name, change) => {
    const row = { ...base, ...change } as Row;
    const prev = computeAuditHash(GENESIS_HASH, base);
    expect(copyHashes([row], prev)).toEqual([computeAuditHash(prev, objectRow(row))]);
  });

  it("hashes bytes that are not UTF-8 as the driver decodes them (U+FFFD), not as they are", () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62, 0xc3]);
    const prev = computeAuditHash(GENESIS_HASH, base);
    const decoded = { ...base, userAgent: new TextDecoder().decode(bytes) } as Row;
    expect(copyHashes([{ ...base, userAgent: bytes } as Row], prev)).toEqual([computeAuditHash(prev, objectRow(decoded))]);
  });

  it("hashes rows split across chunks anywhere", () => {
    const rows = cases.map(([, change]) => ({ ...base, ...change }) as Row);
    const expected = rows.map((row) => computeAuditHash(GENESIS_HASH, objectRow(row)));
    for (const size of [1, 7, 64, 333, 4096]) expect(copyHashes(rows, GENESIS_HASH, size)).toEqual(expected);
  });

  it("reuses the row before's metadata only when its text is the same", () => {
    const long = { note: "n".repeat(400) };
    const sameLength = { providerName: "Sandbox Bonk", requestId: null };
    const metadata = [base.metadata, base.metadata, sameLength, { providerName: "Other", requestId: null }, base.metadata, long, long, '{"n": 1.0}', '{"n": 1.0}', '{"n": 1}', base.metadata];
    const rows = metadata.map((m) => ({ ...base, metadata: m }) as Row);
    expect(copyHashes(rows, GENESIS_HASH)).toEqual(rows.map((row) => computeAuditHash(GENESIS_HASH, objectRow(row))));
  });

  it("makes room for text that escaping lengthens, ahead of long values", () => {
    const row = { ...base, metadata: { note: "\u0001".repeat(3000), n: 1.5 }, userAgent: "y".repeat(20_000), reason: "\n".repeat(5000) } as Row;
    expect(copyHashes([row], GENESIS_HASH)).toEqual([computeAuditHash(GENESIS_HASH, objectRow(row))]);
  });

  it("grows its buffer for a long row and keeps hashing the same afterwards", () => {
    const long = { ...base, userAgent: "x".repeat(10_000) } as Row;
    // The same length as the first row, other content: hashed from the new buffer, not the old one.
    const rows = [base as Row, long, { ...base, userId: "user-2" } as Row, long];
    expect(copyHashes(rows, GENESIS_HASH)).toEqual(rows.map((row) => computeAuditHash(GENESIS_HASH, objectRow(row))));
  });

  it("reads seq and the chain columns back", () => {
    const reader = new BinaryCopyReader(CHAIN_COLUMNS);
    reader.read(binaryCopyOutput([copyRow(base as Row, GENESIS_HASH, 2n ** 40n + 3n)]));
    expect(seqAt(reader.bytes, reader.starts[SEQ_COLUMN]!)).toBe(2 ** 40 + 3);
    expect(bytesAre(reader.bytes, reader.starts[PREV_HASH_COLUMN]!, reader.ends[PREV_HASH_COLUMN]!, GENESIS_HASH)).toBe(true);
    expect(bytesAre(reader.bytes, reader.starts[PREV_HASH_COLUMN]!, reader.ends[PREV_HASH_COLUMN]!, `${"0".repeat(63)}1`)).toBe(false);
    expect(bytesAre(reader.bytes, reader.starts[HASH_COLUMN]!, reader.ends[HASH_COLUMN]!, "f".repeat(63))).toBe(false);
  });

  it("compares stored text that is not a hash as text", () => {
    const bytes = Buffer.from("xxé😀yy");
    expect(bytesAre(bytes, 2, bytes.length - 2, "é😀")).toBe(true);
    expect(bytesAre(bytes, 2, bytes.length - 2, "e😀")).toBe(false);
    // As many bytes as the text has UTF-16 units, but not its UTF-8: a byte 0xE9 alone is not "é".
    expect(bytesAre(Buffer.from([0xe9]), 0, 1, "é")).toBe(false);
    expect(bytesAre(Buffer.from([0x80]), 0, 1, "\u0080")).toBe(false); // the first code point past ASCII
    expect(bytesAre(Buffer.from("é"), 0, 2, "é")).toBe(true);
  });

  it("compares two ranges of one buffer byte by byte", () => {
    const bytes = Buffer.from("abcXabcYab");
    expect(sameBytes(bytes, 0, 3, 4, 7)).toBe(true); // "abc" and "abc"
    expect(sameBytes(bytes, 0, 0, 5, 5)).toBe(true); // two empty ranges
    expect(sameBytes(bytes, 0, 4, 4, 8)).toBe(false); // "abcX" and "abcY": the last byte differs
    expect(sameBytes(bytes, 1, 3, 4, 6)).toBe(false); // "bc" and "ab": the first byte differs
    expect(sameBytes(bytes, 0, 2, 8, 10)).toBe(true); // "ab" and "ab", at the end
    expect(sameBytes(bytes, 8, 10, 0, 2)).toBe(true); // the same, the later range first
    expect(sameBytes(bytes, 0, 3, 8, 10)).toBe(false); // "abc" and "ab": lengths differ
    expect(sameBytes(bytes, 8, 10, 0, 3)).toBe(false); // "ab" and "abc"
  });

  it("writes COPY statements only with integers", () => {
    expect(chainCopyStatement(10, 2000, null)).toMatch(/where seq > 10 order by seq limit 2000\) to stdout \(format binary\)$/);
    expect(chainCopyStatement(0, 5, 99)).toContain("where seq > 0 and seq <= 99 order by seq limit 5");
    expect(() => chainCopyStatement(1.5, 10, null)).toThrow(new TypeError("not an integer: 1.5"));
    expect(() => chainCopyStatement(0, 10, Number.NaN)).toThrow(TypeError);
  });
});
