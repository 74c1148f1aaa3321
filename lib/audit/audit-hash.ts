/**
 * The audit hash chain: `hash = SHA-256(prevHash + "\n" + canonical JSON of the row)`, hex.
 * The first row's `prevHash` is 64 zeros. Canonical JSON sorts object keys and writes dates
 * as ISO strings, so a row hashes the same when it is written and when it is read back
 * (jsonb reorders keys; drivers return timestamps differently).
 */
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** Every column a row's hash covers: all but `seq` (its place is fixed by `prevHash`) and the chain fields. */
export const HASHED_FIELDS = [
  "eventId",
  "eventType",
  "action",
  "outcome",
  "workflow",
  "actorType",
  "actorUserId",
  "userId",
  "providerId",
  "providerSlug",
  "connectionId",
  "reason",
  "needsUserAction",
  "correlationId",
  "ipAddress",
  "userAgent",
  "occurredAt",
  "recordedAt",
  "metadata",
] as const;
export type HashedField = (typeof HASHED_FIELDS)[number];
export type HashedContent = { [K in HashedField]: unknown };

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function compareKeys(a: string, b: string): number {
  // An object's keys are distinct, and V8 sorts short arrays by asking only "is it less?".
  // Stryker disable next-line EqualityOperator,ConditionalExpression: equal keys never occur; only the `a < b` branch decides the order.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function computeAuditHash(prevHash: string, row: HashedContent): string {
  return createHash("sha256").update(`${prevHash}\n${auditHashContent(row)}`).digest("hex");
}

/** The canonical text a row's hash covers (the database appends it to the previous hash). */
export function auditHashContent(row: HashedContent): string {
  const content: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) content[field] = row[field] ?? null;
  // Timestamps count as instants, however the driver handed them over.
  for (const field of ["occurredAt", "recordedAt"] as const) {
    const value = content[field];
    if (typeof value === "string") content[field] = new Date(value);
  }
  return canonicalJson(content);
}
