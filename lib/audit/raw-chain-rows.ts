/**
 * The chain walk's fast path on postgres.js: rows come back as raw column bytes (no per-column
 * UTF-8 decoding, no row objects, no type parsing) and each row's hash input,
 * `prevHash + "\n" + canonical content` (docs/AUDIT-FORMAT.md), is written straight into one
 * reused buffer and hashed once. Byte for byte what `computeAuditHash` hashes for the same row:
 * a text value is copied as it is only when JSON.stringify would print it unchanged (printable
 * ASCII without `"` or `\`), and anything else takes the same functions as the rest of the app
 * (JSON.stringify, canonicalJson, toISOString). Verified against it in raw-chain-rows.test.ts.
 */
import * as nodeCrypto from "node:crypto";

import { canonicalJson, HASHED_FIELDS } from "./offline-verifier.mjs";

type Column = Uint8Array | null;

const ISO = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Each hashed field's select expression, in canonical (sorted) order; then the chain columns. */
const EXPRESSIONS: Record<(typeof HASHED_FIELDS)[number], string> = {
  action: "action",
  actorType: "actor_type",
  actorUserId: "actor_user_id",
  connectionId: "connection_id::text",
  correlationId: "correlation_id::text",
  eventId: "event_id::text",
  eventType: "event_type",
  ipAddress: "ip_address",
  metadata: "metadata::text",
  needsUserAction: "needs_user_action",
  occurredAt: ISO("occurred_at"),
  outcome: "outcome::text",
  providerId: "provider_id",
  providerSlug: "provider_slug",
  reason: "reason",
  recordedAt: ISO("recorded_at"),
  userAgent: "user_agent",
  userId: "user_id",
  workflow: "workflow",
};

/** `select …` list: the hashed fields in canonical order, then seq, prev_hash, hash. */
export const RAW_CHAIN_COLUMNS = [...HASHED_FIELDS.map((field) => EXPRESSIONS[field]), "seq::text", "prev_hash", "hash"].join(", ");
export const SEQ_COLUMN = HASHED_FIELDS.length;
export const PREV_HASH_COLUMN = SEQ_COLUMN + 1;
export const HASH_COLUMN = SEQ_COLUMN + 2;
export const EVENT_ID_COLUMN = HASHED_FIELDS.indexOf("eventId");

// Uuid: `uuid::text` is always hex digits and dashes, copied without a scan.
const Kind = { Text: 0, Json: 1, Boolean: 2, Timestamp: 3, Uuid: 4 } as const;
const UUIDS = new Set(["connectionId", "correlationId", "eventId"]);
const KINDS: number[] = HASHED_FIELDS.map((field) =>
  field === "metadata"
    ? Kind.Json
    : field === "needsUserAction"
      ? Kind.Boolean
      : field === "occurredAt" || field === "recordedAt"
        ? Kind.Timestamp
        : UUIDS.has(field)
          ? Kind.Uuid
          : Kind.Text,
);
const PREFIXES = HASHED_FIELDS.map((field, i) => Buffer.from(`${i === 0 ? "{" : ","}${JSON.stringify(field)}:`, "latin1"));
// Every prefix, "false" or "null" or two quotes per field, the line break and the closing brace.
const FIXED_BYTES = PREFIXES.reduce((sum, prefix) => sum + prefix.length + 5, 2);
const NULL = Buffer.from("null");
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LINE_BREAK = 0x0a;
const CLOSE = 0x7d;
const ISO_LENGTH = 24; // 2026-05-01T12:00:00.000Z

const decoder = new TextDecoder();
const oneShot = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : null;

/** Printable ASCII with no `"` or `\`: JSON.stringify prints it unchanged between quotes. */
function plain(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

/** Builds one row's hash input in a buffer kept from row to row, and hashes it. */
export class RawRowHasher {
  private buffer = Buffer.allocUnsafe(4096);
  private length = 0;
  /** The row's size with every value as it came: with what is written, an upper bound of the rest. */
  private rowSize = 0;

  /** hex SHA-256 of `prevHash + "\n" + canonical content` for a row of RAW_CHAIN_COLUMNS. */
  hash(prevHash: Uint8Array, row: Column[]): string {
    // Room for every value copied as it is; a value rewritten as text asks for its own.
    let size = FIXED_BYTES + prevHash.length;
    for (let i = 0; i < KINDS.length; i++) size += row[i]?.length ?? 0;
    this.rowSize = size;
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(size, this.buffer.length * 2));
    const buffer = this.buffer;
    buffer.set(prevHash, 0);
    this.length = prevHash.length;
    buffer[this.length++] = LINE_BREAK;
    for (let i = 0; i < KINDS.length; i++) {
      this.put(PREFIXES[i]!);
      const value = row[i] ?? null;
      if (value === null) {
        this.put(NULL);
        continue;
      }
      switch (KINDS[i]) {
        case Kind.Uuid:
          this.quoted(value);
          break;
        case Kind.Text:
          if (plain(value)) this.quoted(value);
          else this.text(JSON.stringify(decoder.decode(value)));
          break;
        case Kind.Timestamp:
          if (value.length === ISO_LENGTH && value[ISO_LENGTH - 1] === 0x5a) this.quoted(value);
          else this.text(JSON.stringify(new Date(decoder.decode(value)).toISOString()));
          break;
        case Kind.Boolean:
          this.put(value[0] === 0x74 ? TRUE : FALSE); // 't' or 'f'
          break;
        case Kind.Json:
          this.text(canonicalJson(JSON.parse(decoder.decode(value))));
          break;
      }
    }
    this.buffer[this.length++] = CLOSE;
    const input = this.buffer.subarray(0, this.length);
    return oneShot ? oneShot("sha256", input, "hex") : nodeCrypto.createHash("sha256").update(input).digest("hex");
  }

  // put and quoted stay within the room made at the start of the row.
  private put(bytes: Uint8Array) {
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private quoted(bytes: Uint8Array) {
    const buffer = this.buffer;
    buffer[this.length++] = QUOTE;
    buffer.set(bytes, this.length);
    this.length += bytes.length;
    buffer[this.length++] = QUOTE;
  }

  /** A value written as text (escaped, or canonical JSON): its room is made here, keeping the room for the rest. */
  private text(value: string) {
    const needed = this.length + value.length * 3 + this.rowSize; // UTF-8: at most 3 bytes per UTF-16 unit
    if (needed > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(needed * 2);
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    this.length += this.buffer.write(value, this.length, "utf8");
  }
}

/** ASCII bytes (a hash, a seq) as a string. */
export function ascii(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)).toString("latin1");
}
