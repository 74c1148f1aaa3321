/**
 * `AUDIT_SIGNING_KEYS`: `kid:base64seed[,kid:base64seed…]`, each an Ed25519 private key as its
 * 32-byte seed (RFC 8032) in base64. Like the token keys: the first signs, every one verifies,
 * so a new key goes first and the old one stays until checkpoints signed with it no longer matter
 * (an auditor holding an export needs its key id in `GET /api/audit/public-keys`).
 * Pure (no env, no database): lib/env.ts validates the variable with it.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from "node:crypto";

import { KID_PATTERN, parseKeyList } from "./parse-key-list";

const VARIABLE = "AUDIT_SIGNING_KEYS";
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const SEED_BYTES = 32;
/** PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed prefix, then the 32 bytes. */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  /** The raw 32-byte public key, base64 (what /api/audit/public-keys publishes). */
  publicKey: string;
}

export function signingKeyFromSeed(keyId: string, seed: Buffer): SigningKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  return { keyId, privateKey, publicKey: Buffer.from(String(jwk.x), "base64url").toString("base64") };
}

/** Parses and checks the variable; every message names it and never echoes key material. */
export function parseSigningKeys(value: string): SigningKey[] {
  return parseKeyList(VARIABLE, value, "kid:base64seed", (keyId, encoded) => {
    const seed = BASE64_PATTERN.test(encoded) ? Buffer.from(encoded, "base64") : null;
    if (seed === null || seed.length !== SEED_BYTES) {
      throw new Error(`${VARIABLE}: key "${keyId}" must be a ${SEED_BYTES}-byte Ed25519 seed in base64 (got ${seed === null ? "not base64" : `${seed.length} bytes`})`);
    }
    return signingKeyFromSeed(keyId, seed);
  });
}

/** A fresh `kid:base64seed` entry (development default; README's rotation steps). */
export function generateSigningKey(keyId: string): string {
  if (!KID_PATTERN.test(keyId)) throw new Error("key id must be 1-32 of A-Z a-z 0-9 _ -");
  return `${keyId}:${randomBytes(SEED_BYTES).toString("base64")}`;
}
