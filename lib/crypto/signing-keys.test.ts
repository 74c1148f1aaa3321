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
});
