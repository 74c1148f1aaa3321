import { describe, expect, it } from "vitest";

import { sampleAuditContent } from "@/test/support/audit-row";

import { auditHashContent, canonicalJson, computeAuditHash, GENESIS_HASH, HASHED_FIELDS, type HashedContent } from "./audit-hash";

const row: HashedContent = sampleAuditContent;

describe("the audit hash", () => {
  it("canonical JSON sorts keys at every depth and writes dates as ISO strings", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(canonicalJson(new Date("2026-11-27T10:00:00Z"))).toBe('"2026-11-27T10:00:00.000Z"');
  });

  it("is SHA-256 hex, deterministic, and independent of key order and of how timestamps were handed over", () => {
    const hash = computeAuditHash(GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(row).reverse()) as HashedContent;
    expect(computeAuditHash(GENESIS_HASH, { ...reordered, metadata: { requestId: null, providerName: "Acme Bank" } })).toBe(hash);
    expect(computeAuditHash(GENESIS_HASH, { ...row, occurredAt: "2026-11-27 10:00:00.123+00" })).toBe(hash);
  });

  it("changes with the previous hash and with every hashed field", () => {
    const hash = computeAuditHash(GENESIS_HASH, row);
    expect(computeAuditHash("f".repeat(64), row)).not.toBe(hash);
    for (const field of HASHED_FIELDS) {
      const value = row[field];
      const altered =
        value instanceof Date ? new Date(value.getTime() + 1) : typeof value === "object" && value !== null ? { ...value, x: 1 } : `${String(value)}x`;
      expect(computeAuditHash(GENESIS_HASH, { ...row, [field]: altered }), field).not.toBe(hash);
    }
  });
});

describe("canonical JSON, precisely", () => {
  it("writes undefined as null, and leaves out keys whose value is undefined", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined] })).toBe('{"b":1,"c":[null]}');
  });

  it("sorts many keys given in any order", () => {
    const keys = ["m", "c", "x", "a", "k", "b", "z", "e", "q", "d", "y", "f"];
    const text = canonicalJson(Object.fromEntries(keys.map((k, i) => [k, i])));
    expect(Object.keys(JSON.parse(text))).toEqual([...keys].sort());
  });

  it("keeps a missing timestamp null rather than turning it into a date", () => {
    expect(JSON.parse(auditHashContent({ ...row, recordedAt: null }))).toMatchObject({ recordedAt: null });
  });
});
