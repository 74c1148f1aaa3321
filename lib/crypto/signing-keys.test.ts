import { sign } from "node:crypto";

import { describe, expect, it } from "vitest";

import { checkpointMessage, verifyCheckpointSignature } from "../audit/offline-verifier.mjs";
import { parseSigningKeys } from "./signing-keys";

// RFC 8032 §7.1, test 1: the seed and its public key.
const SEED = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex").toString("base64");
const PUBLIC = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex").toString("base64");

describe("AUDIT_SIGNING_KEYS", () => {
  it("reads each entry as an RFC 8032 seed and derives its raw public key", () => {
    const [key] = parseSigningKeys(`k1:${SEED}`);
    expect(key).toMatchObject({ keyId: "k1", publicKey: PUBLIC });
  });

  it("signs checkpoints that verify with the published key, and with no other", () => {
    const [key] = parseSigningKeys(`k1:${SEED}`);
    const unsigned = { seq: 3, hash: "a".repeat(64), at: "2026-11-30T12:00:00.000Z", keyId: "k1" };
    const checkpoint = { ...unsigned, signature: sign(null, checkpointMessage(unsigned), key!.privateKey).toString("base64") };
    expect(verifyCheckpointSignature(checkpoint, new Map([["k1", PUBLIC]]))).toEqual({ ok: true });
    expect(verifyCheckpointSignature({ ...checkpoint, seq: 4 }, new Map([["k1", PUBLIC]]))).toMatchObject({ ok: false });
    expect(checkpointMessage(unsigned).toString("utf8")).toBe(`{"at":"2026-11-30T12:00:00.000Z","hash":"${"a".repeat(64)}","keyId":"k1","seq":3}`);
  });

  it.each([
    ["", /^AUDIT_SIGNING_KEYS: at least one key is required, as "kid:base64seed"$/],
    [`k1:${SEED},`, /^AUDIT_SIGNING_KEYS: entry 2 is empty \(stray comma\?\)$/],
    [SEED, /^AUDIT_SIGNING_KEYS: entry 1 must be "kid:base64seed"$/],
    [`k.1:${SEED}`, /^AUDIT_SIGNING_KEYS: entry 1 has an invalid key id/],
    [`k1:${SEED},k1:${SEED}`, /^AUDIT_SIGNING_KEYS: key id "k1" appears more than once$/],
    ["k1:AAAA", /^AUDIT_SIGNING_KEYS: key "k1" must be a 32-byte Ed25519 seed in base64 \(got 3 bytes\)$/],
    ["k1:not base64!", /^AUDIT_SIGNING_KEYS: key "k1" must be a 32-byte Ed25519 seed in base64 \(got not base64\)$/],
    // Entries are checked in order: the first entry's bad seed is named before the second's bad id.
    ["k1:AAAA,bad kid:x", /key "k1" must be a 32-byte Ed25519 seed/],
  ])("names what is wrong in the variable (case %#)", (value, message) => {
    expect(() => parseSigningKeys(value)).toThrow(message);
  });
});
