/**
 * The chain walk's fast path on postgres.js. Rows come as `COPY (select …) TO STDOUT (FORMAT
 * binary)`, one byte stream split in place (lib/db/binary-copy-reader.ts): no row objects, no
 * value per column, no UTF-8 decoding. Each row's hash input, `prevHash + "\n" + canonical
 * content` (docs/AUDIT-FORMAT.md), is written straight from those bytes into one reused buffer
 * and hashed in this process; PostgreSQL only hands over the stored values.
 *
 * Byte for byte what `computeAuditHash` hashes for the same row: a text value is copied as it
 * is only when JSON.stringify would print it unchanged (no `"`, `\` or control character, and
 * valid UTF-8), the metadata's jsonb text is reordered into canonical JSON by
 * canonical-jsonb.ts when it can be, and anything else takes the functions the rest of the app
 * uses (JSON.stringify, canonicalJson, toISOString). Checked against it in
 * copy-chain-rows.test.ts, and on PostgreSQL's own output in copy-chain-rows.int.test.ts.
 */
import { isUtf8 } from "node:buffer";
import * as nodeCrypto from "node:crypto";

import { canonicalJson, HASHED_FIELDS } from "./offline-verifier.mjs";
import { CanonicalJsonb } from "./canonical-jsonb";

const ISO = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Each hashed field's select expression, in canonical (sorted) order. Everything is cast to
 * text (whose binary form is its UTF-8 bytes) except the boolean (one byte, 0 or 1).
 */
const EXPRESSIONS: Record<(typeof HASHED_FIELDS)[number], string> = {
  action: "action::text",
  actorType: "actor_type::text",
  actorUserId: "actor_user_id::text",
  connectionId: "connection_id::text",
  correlationId: "correlation_id::text",
  eventId: "event_id::text",
  eventType: "event_type::text",
  ipAddress: "ip_address::text",
  metadata: "metadata::text",
  needsUserAction: "needs_user_action::boolean",
  occurredAt: ISO("occurred_at"),
  outcome: "outcome::text",
  providerId: "provider_id::text",
  providerSlug: "provider_slug::text",
  reason: "reason::text",
  recordedAt: ISO("recorded_at"),
  userAgent: "user_agent::text",
  userId: "user_id::text",
  workflow: "workflow::text",
};

/** The hashed fields in canonical order, then seq (8-byte integer), prev_hash, hash. */
const COLUMN_LIST = [...HASHED_FIELDS.map((field) => EXPRESSIONS[field]), "seq::int8", "prev_hash::text", "hash::text"].join(", ");
export const CHAIN_COLUMNS = HASHED_FIELDS.length + 3;
export const SEQ_COLUMN = HASHED_FIELDS.length;
export const PREV_HASH_COLUMN = SEQ_COLUMN + 1;
export const HASH_COLUMN = SEQ_COLUMN + 2;
export const EVENT_ID_COLUMN = HASHED_FIELDS.indexOf("eventId");

/** The COPY statement for up to `limit` rows after `afterSeq` (and up to `upTo`), in seq order. COPY takes no parameters: the numbers are checked integers. */
export function chainCopyStatement(afterSeq: number, limit: number, upTo: number | null): string {
  for (const n of [afterSeq, limit, upTo ?? 0]) {
    if (!Number.isSafeInteger(n)) throw new TypeError(`not an integer: ${n}`);
  }
  const range = `seq > ${afterSeq}${upTo === null ? "" : ` and seq <= ${upTo}`}`;
  return `copy (select ${COLUMN_LIST} from audit_logs where ${range} order by seq limit ${limit}) to stdout (format binary)`;
}

/** A row's seq from its 8-byte big-endian value. */
export function seqAt(bytes: Buffer, start: number): number {
  return bytes.readInt32BE(start) * 2 ** 32 + bytes.readUInt32BE(start + 4);
}

/** Whether the UTF-8 text `bytes[start, end)` is `text` (a hash, so compared byte by byte while it is ASCII). */
export function bytesAre(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return bytes.toString("utf8", start, end) === text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return bytes.toString("utf8", start, end) === text; // not a hash: compare as text
    if (bytes[start + i] !== c) return false;
  }
  return true;
}

/** Whether `bytes[a0, a1)` and `bytes[b0, b1)` hold the same bytes. */
export function sameBytes(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  for (let i = 0; i < a1 - a0; i++) if (bytes[a0 + i] !== bytes[b0 + i]) return false;
  return true;
}

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
/** `{"action":`, `,"actorType":` …: each field's key, in one buffer. */
const PREFIX_TEXT = HASHED_FIELDS.map((field, i) => `${i === 0 ? "{" : ","}${JSON.stringify(field)}:`);
const PREFIXES = Buffer.from(PREFIX_TEXT.join(""), "latin1");
const PREFIX_ENDS = PREFIX_TEXT.map((_, i) => PREFIX_TEXT.slice(0, i + 1).join("").length);
// Every prefix, "false" or "null" or two quotes per field, the line break and the closing brace.
const FIXED_BYTES = PREFIXES.length + 5 * HASHED_FIELDS.length + 2;
const NULL = Buffer.from("null");
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const LINE_BREAK = 0x0a;
const CLOSE = 0x7d;
const ISO_LENGTH = 24; // 2026-05-01T12:00:00.000Z

const decoder = new TextDecoder();
const oneShot = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : null;

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const PREFIXES_VIEW = viewOf(PREFIXES);

/** Builds one row's hash input in a buffer kept from row to row, and hashes it. */
export class ChainRowHasher {
  private buffer = Buffer.allocUnsafe(4096);
  // Copies go through DataViews, four bytes at a time: a few times faster than byte by byte.
  private view = viewOf(this.buffer);
  private length = 0;
  /** The row's values as they came: with what is written, room enough for the rest. */
  private rowSize = 0;
  private source: Uint8Array = PREFIXES;
  private sourceView = PREFIXES_VIEW;
  private readonly jsonb = new CanonicalJsonb();

  /**
   * Hex SHA-256 of `prevHash + "\n" + canonical content` for the row whose CHAIN_COLUMNS lie at
   * `starts[base …]` / `ends[base …]` in `bytes` (-1 for NULL).
   */
  hash(bytes: Buffer, starts: Int32Array, ends: Int32Array, base: number): string {
    if (bytes !== this.source) {
      this.source = bytes;
      this.sourceView = viewOf(bytes);
    }
    const view = this.sourceView;
    const prevStart = starts[base + PREV_HASH_COLUMN]!;
    const prevEnd = ends[base + PREV_HASH_COLUMN]!;
    let size = FIXED_BYTES + prevEnd - prevStart;
    for (let i = 0; i < KINDS.length; i++) size += ends[base + i]! - starts[base + i]!;
    this.rowSize = size;
    if (size > this.buffer.length) this.grow(size, 0);
    this.length = 0;
    this.copy(bytes, view, prevStart, prevEnd);
    this.buffer[this.length++] = LINE_BREAK;
    for (let i = 0; i < KINDS.length; i++) {
      this.copy(PREFIXES, PREFIXES_VIEW, i === 0 ? 0 : PREFIX_ENDS[i - 1]!, PREFIX_ENDS[i]!);
      const start = starts[base + i]!;
      const end = ends[base + i]!;
      if (start < 0) {
        this.put(NULL);
        continue;
      }
      switch (KINDS[i]) {
        case Kind.Uuid:
          this.quoted(bytes, view, start, end);
          break;
        case Kind.Text:
          if (plain(bytes, start, end)) this.quoted(bytes, view, start, end);
          else this.text(JSON.stringify(decoder.decode(bytes.subarray(start, end))));
          break;
        case Kind.Timestamp:
          if (end - start === ISO_LENGTH && bytes[end - 1] === 0x5a) this.quoted(bytes, view, start, end);
          else this.text(JSON.stringify(new Date(decoder.decode(bytes.subarray(start, end))).toISOString()));
          break;
        case Kind.Boolean:
          this.put(bytes[start] === 1 ? TRUE : FALSE);
          break;
        case Kind.Json: {
          // The canonical form is never longer than the jsonb text, already counted in rowSize.
          const written = this.jsonb.write(bytes, start, end, this.buffer, this.length);
          if (written >= 0) this.length = written;
          else this.text(canonicalJson(JSON.parse(decoder.decode(bytes.subarray(start, end)))));
          break;
        }
      }
    }
    this.buffer[this.length++] = CLOSE;
    const input = this.buffer.subarray(0, this.length);
    return oneShot ? oneShot("sha256", input, "hex") : nodeCrypto.createHash("sha256").update(input).digest("hex");
  }

  // copy, put and quoted stay within the room made at the start of the row.
  private copy(bytes: Uint8Array, view: DataView, from: number, to: number) {
    const out = this.view;
    let o = this.length;
    let k = from;
    for (; k + 4 <= to; k += 4, o += 4) out.setUint32(o, view.getUint32(k));
    const buffer = this.buffer;
    for (; k < to; k++) buffer[o++] = bytes[k]!;
    this.length = o;
  }

  private put(bytes: Uint8Array) {
    const buffer = this.buffer;
    for (let k = 0; k < bytes.length; k++) buffer[this.length++] = bytes[k]!;
  }

  private quoted(bytes: Uint8Array, view: DataView, from: number, to: number) {
    this.buffer[this.length++] = QUOTE;
    this.copy(bytes, view, from, to);
    this.buffer[this.length++] = QUOTE;
  }

  /** A value written as text (escaped, or canonical JSON): its room is made here, keeping the room for the rest. */
  private text(value: string) {
    const needed = this.length + value.length * 3 + this.rowSize; // UTF-8: at most 3 bytes per UTF-16 unit
    if (needed > this.buffer.length) this.grow(needed * 2, this.length);
    this.length += this.buffer.write(value, this.length, "utf8");
  }

  private grow(size: number, keep: number) {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, keep);
    this.buffer = bigger;
    this.view = viewOf(bigger);
  }
}

/**
 * Whether JSON.stringify prints the text unchanged between quotes: no `"`, `\` or control
 * character, and valid UTF-8 (invalid bytes would be decoded to U+FFFD).
 */
function plain(bytes: Uint8Array, from: number, to: number): boolean {
  let nonAscii = false;
  for (let k = from; k < to; k++) {
    const c = bytes[k]!;
    if (c < SPACE || c === QUOTE || c === BACKSLASH) return false;
    if (c >= 0x80) nonAscii = true;
  }
  return !nonAscii || isUtf8(bytes.subarray(from, to));
}
