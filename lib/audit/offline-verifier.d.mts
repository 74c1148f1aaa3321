/** Types of offline-verifier.mjs (kept as plain JavaScript so it can be downloaded and run alone). */
export declare const GENESIS_HASH: string;
export declare const HASHED_FIELDS: readonly [
  "action",
  "actorType",
  "actorUserId",
  "connectionId",
  "correlationId",
  "eventId",
  "eventType",
  "ipAddress",
  "metadata",
  "needsUserAction",
  "occurredAt",
  "outcome",
  "providerId",
  "providerSlug",
  "reason",
  "recordedAt",
  "userAgent",
  "userId",
  "workflow",
];
export type HashedField = (typeof HASHED_FIELDS)[number];
export type HashedContent = { [K in HashedField]: unknown };

export interface SignedCheckpoint {
  seq: number;
  hash: string;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  keyId: string;
  /** Ed25519 over checkpointMessage(), base64. */
  signature: string;
}

export declare function canonicalJson(value: unknown): string;
export declare function auditHashContent(row: HashedContent): string;
export declare function computeAuditHash(prevHash: string, row: HashedContent): string;
export declare function checkpointMessage(checkpoint: Omit<SignedCheckpoint, "signature">): Buffer;
export declare function publicKeyFromRaw(base64: string): import("node:crypto").KeyObject;
export declare function verifyCheckpointSignature(
  checkpoint: SignedCheckpoint,
  publicKeys: Map<string, string>,
): { ok: true } | { ok: false; problem: string };

export type ExportVerification =
  | { ok: true; rows: number; scope: "full" | "filtered"; checkpoint: SignedCheckpoint & { type: "checkpoint"; scope?: string } }
  | { ok: false; line: number; seq?: number; problem: string; rows: number };

export declare function verifyExport(text: string, options?: { publicKeys?: Map<string, string>; expect?: SignedCheckpoint }): ExportVerification;
export declare function parseCheckpointArg(text: string): SignedCheckpoint;
export declare function parsePublicKeys(values: string[]): Map<string, string>;
export declare function reportExport(
  file: string,
  result: ExportVerification,
  output?: { log?: (line: string) => void; error?: (line: string) => void },
): number;
export declare function main(argv: string[]): number;
