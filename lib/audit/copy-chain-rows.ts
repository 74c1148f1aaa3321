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
import * as nodeCrypto from "node:crypto";

import { canonicalJson, HASHED_FIELDS } from "./offline-verifier.mjs";
import { CanonicalJsonb, stringifiesAsIs } from "./canonical-jsonb";

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

// Constants read for every row or byte are const enums (inlined when compiled) or locals: in
// Node 20 a module-level `const` is re-read from its context, with a check, on every use, which
// measured a fifth of the instructions spent building a row's hash input.
// Uuid: `uuid::text` is always hex digits and dashes, copied without a scan.
const enum Kind {
  Text,
  Json,
  Boolean,
  Timestamp,
  Uuid,
}
const UUIDS = new Set(["connectionId", "correlationId", "eventId"]);
const KINDS: Kind[] = HASHED_FIELDS.map((field) =>
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
/**
 * What goes before each field's value, `{"action":`, `,"actorType":` …, in four forms: as it
 * is (JSON and escaped text follow), with the opening quote (a plain text value follows), and
 * with the whole value when that is `null`, `true` or `false`. One buffer; `[start, end)` of
 * form f for field i at `PIECE_AT[f * FIELDS + i]`.
 */
const FIELDS = HASHED_FIELDS.length;
const enum Piece {
  Key,
  Quoted,
  Null,
  True,
  False,
}
const PIECE_TEXTS = [":", ':"', ":null", ":true", ":false"] // in Piece order
  .flatMap((after) => HASHED_FIELDS.map((field, i) => `${i === 0 ? "{" : ","}${JSON.stringify(field)}${after}`));
const PIECES = Buffer.from(PIECE_TEXTS.join(""), "latin1");
const PIECE_ENDS = Int32Array.from(PIECE_TEXTS, (_, i) => PIECE_TEXTS.slice(0, i + 1).join("").length);
const PIECE_STARTS = Int32Array.from(PIECE_ENDS, (end, i) => end - PIECE_TEXTS[i]!.length);
// Each field's longest form (`:false`) or a key and two quotes, the line break and the closing brace.
const FIXED_BYTES = PIECE_TEXTS.slice(Piece.False * FIELDS).join("").length + 2 * FIELDS + 2;

const enum Byte {
  LineBreak = 0x0a,
  Quote = 0x22,
  Z = 0x5a,
  CloseBrace = 0x7d,
}
const ISO_LENGTH = 24; // 2026-05-01T12:00:00.000Z

const decoder = new TextDecoder();
const oneShot = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : null;

/** A view of all the memory `bytes` lies in (indexes are then `bytes.byteOffset + i`). */
const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer);
const PIECES_VIEW = viewOf(PIECES);

/** Builds one row's hash input in a buffer kept from row to row, and hashes it. */
export class ChainRowHasher {
  private buffer = Buffer.allocUnsafe(4096);
  private inputs: (Buffer | undefined)[] = new Array<Buffer | undefined>(this.buffer.length);
  // Copies go through DataViews, four bytes at a time: a few times faster than byte by byte.
  private view = viewOf(this.buffer);
  private length = 0;
  /** Room for the rest of the row (its bytes as they came, and FIXED_BYTES). */
  private rowSize = 0;
  private memory: ArrayBufferLike = PIECES.buffer;
  private memoryView = PIECES_VIEW;
  private readonly pieces = PIECES;
  private readonly piecesView = PIECES_VIEW;
  private readonly pieceStarts = PIECE_STARTS;
  private readonly pieceEnds = PIECE_ENDS;
  private readonly fields = FIELDS;
  private readonly jsonb = new CanonicalJsonb();
  /** The last metadata text turned into canonical JSON, and that JSON: rows in a row often share it. */
  private metadata = new MetadataMemo();

  /**
   * Hex SHA-256 of `prevHash + "\n" + canonical content` for the row whose CHAIN_COLUMNS lie at
   * `starts[base …]` / `ends[base …]` in `bytes` (-1 for NULL), `rowBytes` long in all.
   */
  hash(bytes: Buffer, starts: Int32Array, ends: Int32Array, base: number, rowBytes: number): string {
    const kinds = KINDS; // a local: see the note on Kind
    if (bytes.buffer !== this.memory) {
      // Consecutive chunks of the stream lie in the same memory: one view for them all.
      this.memory = bytes.buffer;
      this.memoryView = viewOf(bytes);
    }
    const view = this.memoryView;
    this.rowSize = FIXED_BYTES + rowBytes;
    if (this.rowSize > this.buffer.length) this.grow(this.rowSize, 0);
    this.length = 0;
    this.copy(bytes, view, starts[base + PREV_HASH_COLUMN]!, ends[base + PREV_HASH_COLUMN]!);
    this.buffer[this.length++] = Byte.LineBreak;
    for (let i = 0; i < kinds.length; i++) {
      const start = starts[base + i]!;
      const end = ends[base + i]!;
      if (start < 0) {
        this.piece(Piece.Null, i);
        continue;
      }
      switch (kinds[i]) {
        case Kind.Uuid:
          this.quoted(i, bytes, view, start, end);
          break;
        case Kind.Text:
          if (stringifiesAsIs(bytes, start, end)) this.quoted(i, bytes, view, start, end);
          else this.text(i, JSON.stringify(decoder.decode(bytes.subarray(start, end))));
          break;
        case Kind.Timestamp:
          if (end - start === ISO_LENGTH && bytes[end - 1] === Byte.Z) this.quoted(i, bytes, view, start, end);
          else this.text(i, JSON.stringify(new Date(decoder.decode(bytes.subarray(start, end))).toISOString()));
          break;
        case Kind.Boolean:
          this.piece(bytes[start] === 1 ? Piece.True : Piece.False, i);
          break;
        case Kind.Json:
          this.json(i, bytes, start, end);
          break;
      }
    }
    this.buffer[this.length++] = Byte.CloseBrace;
    // A view of the buffer for each input length, made once: not one per row.
    const input = (this.inputs[this.length] ??= this.buffer.subarray(0, this.length));
    return oneShot ? oneShot("sha256", input, "hex") : nodeCrypto.createHash("sha256").update(input).digest("hex");
  }

  // piece, copy and quoted stay within the room made at the start of the row.
  private piece(form: number, field: number) {
    const at = form * this.fields + field;
    this.copy(this.pieces, this.piecesView, this.pieceStarts[at]!, this.pieceEnds[at]!);
  }

  /** `bytes[from, to)` to the end of the input; `view` is viewOf(bytes). */
  private copy(bytes: Uint8Array, view: DataView, from: number, to: number) {
    const out = this.view;
    const outOffset = this.buffer.byteOffset;
    const offset = bytes.byteOffset;
    let o = this.length;
    let k = from;
    for (; k + 4 <= to; k += 4, o += 4) out.setUint32(outOffset + o, view.getUint32(offset + k));
    const buffer = this.buffer;
    for (; k < to; k++) buffer[o++] = bytes[k]!;
    this.length = o;
  }

  private quoted(field: number, bytes: Uint8Array, view: DataView, from: number, to: number) {
    this.piece(Piece.Quoted, field);
    this.copy(bytes, view, from, to);
    this.buffer[this.length++] = Byte.Quote;
  }

  /** The metadata's canonical JSON: as the row before's when the text is the same, else from canonical-jsonb.ts or the reference. */
  private json(field: number, bytes: Buffer, start: number, end: number) {
    this.piece(Piece.Key, field);
    const at = this.length;
    if (this.metadata.is(bytes, start, end)) {
      this.length = this.metadata.writeCanonical(this.buffer, at);
      return;
    }
    // The canonical form is never longer than the jsonb text, already counted in rowSize.
    const written = this.jsonb.write(bytes, start, end, this.buffer, at);
    if (written < 0) {
      this.appendText(canonicalJson(JSON.parse(decoder.decode(bytes.subarray(start, end)))));
      return;
    }
    this.length = written;
    this.metadata.remember(bytes, start, end, this.buffer, at, written);
  }

  /** A value written as text (escaped, or canonical JSON) after the field's key. */
  private text(field: number, value: string) {
    this.piece(Piece.Key, field);
    this.appendText(value);
  }

  /** Makes the text's room here, keeping the room for the rest of the row. */
  private appendText(value: string) {
    const needed = this.length + value.length * 3 + this.rowSize; // UTF-8: at most 3 bytes per UTF-16 unit
    if (needed > this.buffer.length) this.grow(needed * 2, this.length);
    this.length += this.buffer.write(value, this.length, "utf8");
  }

  private grow(size: number, keep: number) {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, keep);
    this.buffer = bigger;
    this.view = viewOf(bigger);
    this.inputs = new Array<Buffer | undefined>(bigger.length);
  }
}

/** One metadata text and its canonical JSON, in buffers kept from row to row. */
class MetadataMemo {
  private text = Buffer.alloc(256);
  private textLength = -1;
  private canonical = Buffer.alloc(256);
  private canonicalLength = 0;

  is(bytes: Uint8Array, start: number, end: number): boolean {
    if (end - start !== this.textLength) return false;
    const text = this.text;
    for (let k = 0; k < this.textLength; k++) if (text[k] !== bytes[start + k]) return false;
    return true;
  }

  writeCanonical(out: Uint8Array, at: number): number {
    const canonical = this.canonical;
    for (let k = 0; k < this.canonicalLength; k++) out[at + k] = canonical[k]!;
    return at + this.canonicalLength;
  }

  remember(bytes: Uint8Array, start: number, end: number, canonical: Uint8Array, from: number, to: number) {
    if (end - start > this.text.length) {
      this.textLength = -1; // too long to keep (the canonical form is never longer): the next row converts its own
      return;
    }
    for (let k = start; k < end; k++) this.text[k - start] = bytes[k]!;
    this.textLength = end - start;
    for (let k = from; k < to; k++) this.canonical[k - from] = canonical[k]!;
    this.canonicalLength = to - from;
  }
}
