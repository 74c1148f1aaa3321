import { describe, expect, it } from "vitest";

import { computeAuditHash, GENESIS_HASH, HASHED_FIELDS, type HashedContent } from "./offline-verifier.mjs";
import { ascii, RawRowHasher, SEQ_COLUMN } from "./raw-chain-rows";

const base: HashedContent = {
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

/** The row's columns as PostgreSQL sends them in text form (jsonb with its own key order and spacing). */
function columns(row: HashedContent, prevHash: string): (Buffer | null)[] {
  const out = HASHED_FIELDS.map((field) => {
    const value = (row as unknown as Record<string, unknown>)[field];
    if (value === null || value === undefined) return null;
    if (field === "metadata") {
      const entries = Object.entries(value as object).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1));
      return Buffer.from(`{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`);
    }
    if (typeof value === "boolean") return Buffer.from(value ? "t" : "f");
    return Buffer.from(String(value), "utf8");
  });
  return [...out, Buffer.from("42"), Buffer.from(prevHash), Buffer.from("0".repeat(64))];
}

describe("the raw chain rows hash exactly what computeAuditHash hashes", () => {
  const hasher = new RawRowHasher();
  const cases: [string, Partial<HashedContent>][] = [
    ["a plain row", {}],
    ["text that JSON escapes", { userAgent: 'Mozilla/5.0 "quoted" \\ back\tslash\n', reason: "line\u0001break" }],
    ["non-ASCII text", { userAgent: "Navigateur Été 😀 ünïcode", actorUserId: "ユーザー" }],
    ["booleans", { needsUserAction: true } as Partial<HashedContent>],
    ["false", { needsUserAction: false } as Partial<HashedContent>],
    ["nested metadata with keys jsonb orders otherwise", { metadata: { zz: 1, a: [1, "x", { y: null, b: true }], providerName: "Bank \"B\"", é: "e" } } as Partial<HashedContent>],
    ["every nullable field null", { connectionId: null, ipAddress: "203.0.113.9", userId: null } as Partial<HashedContent>],
  ];
  it.each(cases)("%s", (_name, change) => {
    const row = { ...base, ...change } as HashedContent;
    const prev = computeAuditHash(GENESIS_HASH, base);
    expect(hasher.hash(Buffer.from(prev), columns(row, prev))).toBe(computeAuditHash(prev, row));
  });

  it("makes room for text that escaping lengthens, ahead of long values", () => {
    const row = { ...base, metadata: { note: "\u0001".repeat(3000) }, userAgent: "y".repeat(20_000), reason: "\n".repeat(5000) } as unknown as HashedContent;
    expect(new RawRowHasher().hash(Buffer.from(GENESIS_HASH), columns(row, GENESIS_HASH))).toBe(computeAuditHash(GENESIS_HASH, row));
  });

  it("grows its buffer for a long row and keeps hashing the same afterwards", () => {
    const long = { ...base, userAgent: "x".repeat(10_000) } as HashedContent;
    expect(hasher.hash(Buffer.from(GENESIS_HASH), columns(long, GENESIS_HASH))).toBe(computeAuditHash(GENESIS_HASH, long));
    expect(hasher.hash(Buffer.from(GENESIS_HASH), columns(base, GENESIS_HASH))).toBe(computeAuditHash(GENESIS_HASH, base));
  });

  it("reads ASCII columns back as strings", () => {
    expect(ascii(columns(base, GENESIS_HASH)[SEQ_COLUMN]!)).toBe("42");
  });
});
