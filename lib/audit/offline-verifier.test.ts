import { generateKeyPairSync, sign } from "node:crypto";

import { describe, expect, it } from "vitest";

import { checkpointMessage, computeAuditHash, GENESIS_HASH, parseCheckpointArg, verifyExport, type SignedCheckpoint } from "./offline-verifier.mjs";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const raw = Buffer.from(String(publicKey.export({ format: "jwk" }).x), "base64url").toString("base64");
const keys = new Map([["k1", raw]]);
const other = generateKeyPairSync("ed25519");

function signed(seq: number, hash: string, keyId = "k1", key = privateKey): SignedCheckpoint {
  const unsigned = { seq, hash, at: "2026-11-30T12:00:00.000Z", keyId };
  return { ...unsigned, signature: sign(null, checkpointMessage(unsigned), key).toString("base64") };
}

function chain(count: number) {
  const records: Record<string, unknown>[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const content = {
      eventId: `0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e${String(seq).padStart(2, "0")}`,
      correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e60",
      action: "provider_token_refreshed",
      outcome: "succeeded",
      occurredAt: `2026-11-27T10:00:0${seq % 10}.123Z`,
      userId: "user-1",
      providerSlug: "acme-bank",
      connectionId: null,
      reason: null,
      needsUserAction: null,
      ipAddress: seq === 2 ? "203.0.113.9" : null,
      userAgent: "curl/8.5 \"quoted\" ünïcode",
      eventType: "ProviderTokenRefreshSucceeded",
      workflow: "refresh",
      actorType: "system",
      actorUserId: null,
      providerId: "acme-bank",
      recordedAt: "2026-11-27T10:00:09.456Z",
      metadata: { requestId: null, providerName: "Acme Bank", nested: { b: 1, a: [true, "x"] } },
    };
    const hash = computeAuditHash(prevHash, content as never);
    records.push({ ...content, seq, prevHash, hash });
    prevHash = hash;
  }
  return records;
}

const file = (records: Record<string, unknown>[], checkpoint: object | null) =>
  [...records.map((r) => JSON.stringify(r)), ...(checkpoint ? [JSON.stringify(checkpoint)] : [])].map((l) => `${l}\n`).join("");

function fullExport(count = 5) {
  const records = chain(count);
  const last = records.at(-1)!;
  return { records, text: file(records, { type: "checkpoint", ...signed(last.seq as number, last.hash as string), scope: "full" }) };
}

describe("the offline export verifier", () => {
  it("accepts an untouched full export with the signing key", () => {
    expect(verifyExport(fullExport().text, { publicKeys: keys })).toMatchObject({ ok: true, rows: 5, scope: "full", checkpoint: { seq: 5, keyId: "k1" } });
  });

  it("names an edited line", () => {
    const lines = fullExport().text.split("\n");
    lines[1] = lines[1]!.replace("203.0.113.9", "198.51.100.66");
    expect(verifyExport(lines.join("\n"), { publicKeys: keys })).toMatchObject({ ok: false, line: 2, seq: 2, problem: expect.stringContaining("edited") });
  });

  it("names the line after one whose hash was recomputed to hide an edit", () => {
    const records = chain(5);
    records[1] = { ...records[1], ipAddress: "198.51.100.66" };
    records[1]!.hash = computeAuditHash(records[1]!.prevHash as string, records[1] as never);
    const last = records.at(-1)!;
    const text = file(records, { type: "checkpoint", ...signed(last.seq as number, last.hash as string), scope: "full" });
    expect(verifyExport(text, { publicKeys: keys })).toMatchObject({ ok: false, line: 3, seq: 3, problem: expect.stringContaining("prevHash") });
  });

  it("names reordered, removed and truncated lines", () => {
    const lines = fullExport().text.split("\n");
    const swapped = [...lines];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(verifyExport(swapped.join("\n"), { publicKeys: keys })).toMatchObject({ ok: false, line: 2, seq: 3 });
    const removed = lines.filter((_, i) => i !== 2);
    expect(verifyExport(removed.join("\n"), { publicKeys: keys })).toMatchObject({ ok: false, line: 3, seq: 4, problem: expect.stringContaining("removed") });
    const withoutCheckpoint = lines.slice(0, 4).join("\n") + "\n";
    expect(verifyExport(withoutCheckpoint, { publicKeys: keys })).toMatchObject({ ok: false, problem: expect.stringContaining("truncated") });
    const cut = lines.join("\n").slice(0, -40);
    expect(verifyExport(cut, { publicKeys: keys })).toMatchObject({ ok: false, line: 6, problem: expect.stringContaining("truncated") });
    const tailDropped = [...lines.slice(0, 4), lines[5]!, ""].join("\n");
    expect(verifyExport(tailDropped, { publicKeys: keys })).toMatchObject({ ok: false, line: 5, problem: expect.stringContaining("checkpoint names seq 5") });
  });

  it("never trusts a checkpoint signed by an unknown key, a forged signature, or no key at all", () => {
    const records = chain(3);
    const last = records.at(-1)!;
    const byOther = file(records, { type: "checkpoint", ...signed(3, last.hash as string, "k2", other.privateKey), scope: "full" });
    expect(verifyExport(byOther, { publicKeys: keys })).toMatchObject({ ok: false, line: 4, problem: expect.stringContaining('unknown key "k2"') });
    const forged = file(records, { type: "checkpoint", ...signed(3, last.hash as string, "k1", other.privateKey), scope: "full" });
    expect(verifyExport(forged, { publicKeys: keys })).toMatchObject({ ok: false, line: 4, problem: expect.stringContaining("does not verify") });
    expect(verifyExport(fullExport(3).text, {})).toMatchObject({ ok: false, problem: expect.stringContaining("no public key") });
  });

  it("checks a filtered export wherever its rows are consecutive", () => {
    const records = chain(6);
    const subset = [records[0]!, records[1]!, records[4]!];
    const text = file(subset, { type: "checkpoint", ...signed(5, records[4]!.hash as string), scope: "filtered" });
    expect(verifyExport(text, { publicKeys: keys })).toMatchObject({ ok: true, rows: 3, scope: "filtered" });
    const broken = [records[0]!, { ...records[1]!, prevHash: "f".repeat(64) }];
    broken[1]!.hash = computeAuditHash(broken[1]!.prevHash as string, broken[1] as never);
    const brokenText = file(broken, { type: "checkpoint", ...signed(2, broken[1]!.hash as string), scope: "filtered" });
    expect(verifyExport(brokenText, { publicKeys: keys })).toMatchObject({ ok: false, line: 2, seq: 2 });
  });

  it("with an earlier checkpoint, catches a rewritten history and a deleted tail that are consistent in themselves", () => {
    const original = chain(5);
    const earlier = signed(4, original[3]!.hash as string);
    expect(verifyExport(fullExport().text, { publicKeys: keys, expect: earlier })).toMatchObject({ ok: true });
    // Everything re-hashed after a forged IP: a new, self-consistent file.
    const forged = chain(5).map((r) => ({ ...r }));
    forged[1]!.ipAddress = "198.51.100.66";
    let prev = GENESIS_HASH;
    for (const r of forged) {
      r.prevHash = prev;
      r.hash = computeAuditHash(prev, r as never);
      prev = r.hash as string;
    }
    const forgedText = file(forged, { type: "checkpoint", ...signed(5, prev), scope: "full" });
    expect(verifyExport(forgedText, { publicKeys: keys })).toMatchObject({ ok: true });
    expect(verifyExport(forgedText, { publicKeys: keys, expect: earlier })).toMatchObject({ ok: false, line: 4, seq: 4, problem: expect.stringContaining("rewritten") });
    // The newest rows deleted, the rest signed again.
    const short = original.slice(0, 3);
    const shortText = file(short, { type: "checkpoint", ...signed(3, short[2]!.hash as string), scope: "full" });
    expect(verifyExport(shortText, { publicKeys: keys, expect: earlier })).toMatchObject({ ok: false, problem: expect.stringContaining("newest rows were deleted") });
  });

  it("reads a checkpoint from a log line", () => {
    const checkpoint = signed(7, "a".repeat(64));
    expect(parseCheckpointArg(JSON.stringify({ level: 30, auditCheckpoint: { type: "checkpoint", ...checkpoint }, msg: "audit checkpoint" }))).toEqual(checkpoint);
    expect(() => parseCheckpointArg('{"seq":"x"}')).toThrow(/--checkpoint/);
  });
});
