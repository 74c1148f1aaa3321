import { sign } from "node:crypto";

import { env } from "../../env";
import { checkpointMessage, verifyCheckpointSignature, type SignedCheckpoint } from "../offline-verifier.mjs";

export type { SignedCheckpoint };

/** Signs `{seq, hash, at, keyId}` with the first key of AUDIT_SIGNING_KEYS (docs/AUDIT-FORMAT.md). */
export function signCheckpoint({ seq, hash, at }: { seq: number; hash: string; at: Date }): SignedCheckpoint {
  const key = env.AUDIT_SIGNING_KEYS[0]!;
  const unsigned = { seq, hash, at: at.toISOString(), keyId: key.keyId };
  return { ...unsigned, signature: sign(null, checkpointMessage(unsigned), key.privateKey).toString("base64") };
}

/** Key id → raw public key (base64) of every configured key: what verifies, and what is published. */
export function auditPublicKeys(): Map<string, string> {
  return new Map(env.AUDIT_SIGNING_KEYS.map((key) => [key.keyId, key.publicKey]));
}

/** Checks a checkpoint against the configured keys; an unknown key id is never trusted. */
export function checkCheckpointSignature(checkpoint: SignedCheckpoint): { ok: true } | { ok: false; problem: string } {
  return verifyCheckpointSignature(checkpoint, auditPublicKeys());
}
