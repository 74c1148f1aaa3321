/**
 * Canonical JSON (docs/AUDIT-FORMAT.md) straight from PostgreSQL's jsonb text, for the chain
 * walk's `metadata` column, without building objects. PostgreSQL prints jsonb as
 * `{"key": value, …}` / `[value, …]`, object keys ordered by length and then by bytes, strings
 * escaped exactly as JSON.stringify escapes them (`\"`, `\\`, `\b \f \n \r \t`, other control
 * characters as lowercase `\u00xx`, everything else as itself). Canonical JSON wants the keys
 * in UTF-16 order and no spaces. For the values handled here that is all that differs:
 * objects whose keys are ASCII without escapes (byte order is UTF-16 order), strings, `true`,
 * `false`, `null`, and integers of up to 15 digits (which JSON.stringify prints as they are).
 * Anything else (a fraction, an exponent, a long number, an escape PostgreSQL would not write,
 * unusual spacing, deep nesting) answers -1, and the caller takes the reference path,
 * `canonicalJson(JSON.parse(text))`. Checked against that reference in canonical-jsonb.test.ts
 * and on PostgreSQL's own output in copy-chain-rows.int.test.ts.
 */
import { isUtf8 } from "node:buffer";

// A const enum is inlined when compiled; a module-level `const` read in a loop would be re-read
// from its context, with a check, on every byte in Node 20.
const enum Byte {
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Minus = 0x2d,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  OpenArray = 0x5b,
  Backslash = 0x5c,
  CloseArray = 0x5d,
  LowerA = 0x61,
  LowerF = 0x66,
  LowerU = 0x75,
  OpenObject = 0x7b,
  CloseObject = 0x7d,
}
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];
/** Escapes that JSON.stringify writes as two characters: `"` `\` b f n r t. */
const SHORT_ESCAPES = new Set([0x22, 0x5c, 0x62, 0x66, 0x6e, 0x72, 0x74]);
/** Control characters JSON.stringify writes as `\b \t \n \f \r`, never as `\u00xx`. */
const SHORT_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
/** Beyond 2^53 a number may print differently; 15 digits keep well inside it. */
const MAX_DIGITS = 15;
const MAX_DEPTH = 32;
const NOT_CANONICAL = -1;

function hexDigit(c: number): number {
  if (c >= Byte.Zero && c <= Byte.Nine) return c - Byte.Zero;
  if (c >= Byte.LowerA && c <= Byte.LowerF) return c - Byte.LowerA + 10; // lowercase only, as both sides write it
  return -1;
}

/** Writes the canonical form of jsonb text into a buffer; one per walk, reused row to row. */
export class CanonicalJsonb {
  private src: Uint8Array = new Uint8Array(0);
  private out: Uint8Array = new Uint8Array(0);
  private o = 0;
  private nonAscii = false;
  /** Object entries being sorted, four numbers each: key start, key end, value start, value end. */
  private entries = new Int32Array(256);
  private top = 0;

  /**
   * Writes the canonical JSON of the jsonb text `src[start, end)` into `out` at `at` and
   * answers where it ends, or -1 when this text needs the reference path. The canonical form
   * is never longer than the text: `out` needs `end - start` bytes of room.
   */
  write(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
    this.src = src;
    this.out = out;
    this.o = at;
    this.nonAscii = false;
    this.top = 0;
    if (this.value(start, end, 0) !== end) return NOT_CANONICAL;
    // Invalid UTF-8 would be decoded to U+FFFD on the reference path: leave it to that path.
    if (this.nonAscii && !isUtf8(src.subarray(start, end))) return NOT_CANONICAL;
    return this.o;
  }

  /** Writes the value starting at `p` and answers where it ends, or -1. */
  private value(p: number, end: number, depth: number): number {
    const c = this.src[p];
    if (c === Byte.OpenObject) return this.object(p, end, depth);
    if (c === Byte.OpenArray) return this.array(p, end, depth);
    const q = this.scalarEnd(p, end);
    if (q >= 0) this.copy(p, q);
    return q;
  }

  /**
   * Where the value starting at `p` ends, or -1, without writing it. A scalar is checked here;
   * an object or array only scanned for its end (strings and brackets), and checked when it is
   * written. Checking it here too would check each nested object once per level above it, and
   * then again: twice the work per level of nesting, 2^32 at the deepest.
   */
  private skip(p: number, end: number): number {
    const src = this.src;
    const c = src[p];
    if (c !== Byte.OpenObject && c !== Byte.OpenArray) return this.scalarEnd(p, end);
    let open = 0;
    for (let q = p; q < end; q++) {
      const b = src[q];
      if (b === Byte.Quote) {
        const after = this.stringEnd(q, end);
        if (after < 0) return NOT_CANONICAL;
        q = after - 1;
      } else if (b === Byte.OpenObject || b === Byte.OpenArray) open++;
      else if ((b === Byte.CloseObject || b === Byte.CloseArray) && --open === 0) return q + 1;
    }
    return NOT_CANONICAL;
  }

  private object(p: number, end: number, depth: number): number {
    const src = this.src;
    if (depth >= MAX_DEPTH) return NOT_CANONICAL;
    const base = this.top;
    let q = p + 1;
    if (src[q] !== Byte.CloseObject) {
      for (;;) {
        const keyEnd = this.keyEnd(q, end);
        if (keyEnd < 0 || src[keyEnd] !== Byte.Colon || src[keyEnd + 1] !== Byte.Space) return NOT_CANONICAL;
        const valueEnd = this.skip(keyEnd + 2, end);
        if (valueEnd < 0) return NOT_CANONICAL;
        this.push(q, keyEnd, keyEnd + 2, valueEnd);
        q = valueEnd;
        if (src[q] === Byte.CloseObject) break;
        if (src[q] !== Byte.Comma || src[q + 1] !== Byte.Space) return NOT_CANONICAL;
        q += 2;
      }
    }
    const count = (this.top - base) / 4;
    this.sortKeys(base, count);
    this.out[this.o++] = Byte.OpenObject;
    for (let i = 0; i < count; i++) {
      const entry = base + i * 4;
      const entries = this.entries;
      if (i > 0) {
        // jsonb keeps one of each key; JSON.parse would keep the last of two.
        if (!this.keyAfter(entries[entry]!, entries[entry + 1]!, entries[entry - 4]!, entries[entry - 3]!)) return NOT_CANONICAL;
        this.out[this.o++] = Byte.Comma;
      }
      this.copy(entries[entry]!, entries[entry + 1]!); // the key with its quotes
      this.out[this.o++] = Byte.Colon;
      const valueStart = entries[entry + 2]!;
      const valueEnd = entries[entry + 3]!;
      const c = src[valueStart];
      if (c === Byte.OpenObject || c === Byte.OpenArray) {
        if (this.value(valueStart, valueEnd, depth + 1) !== valueEnd) return NOT_CANONICAL;
      } else this.copy(valueStart, valueEnd);
    }
    this.out[this.o++] = Byte.CloseObject;
    this.top = base;
    return q + 1;
  }

  private array(p: number, end: number, depth: number): number {
    const src = this.src;
    if (depth >= MAX_DEPTH) return NOT_CANONICAL;
    this.out[this.o++] = Byte.OpenArray;
    let q = p + 1;
    if (src[q] !== Byte.CloseArray) {
      for (;;) {
        q = this.value(q, end, depth + 1);
        if (q < 0) return NOT_CANONICAL;
        if (src[q] === Byte.CloseArray) break;
        if (src[q] !== Byte.Comma || src[q + 1] !== Byte.Space) return NOT_CANONICAL;
        this.out[this.o++] = Byte.Comma;
        q += 2;
      }
    }
    this.out[this.o++] = Byte.CloseArray;
    return q + 1;
  }

  /** A key: ASCII without escapes, so that its bytes sort as its UTF-16 code units do. Answers where it ends (after the quote), or -1. */
  private keyEnd(p: number, end: number): number {
    const src = this.src;
    if (src[p] !== Byte.Quote) return NOT_CANONICAL;
    for (let q = p + 1; q < end; q++) {
      const c = src[q]!;
      if (c === Byte.Quote) return q + 1;
      if (c < Byte.Space || c === Byte.Backslash || c >= 0x80) return NOT_CANONICAL;
    }
    return NOT_CANONICAL;
  }

  private scalarEnd(p: number, end: number): number {
    const c = this.src[p];
    if (c === Byte.Quote) return this.stringEnd(p, end);
    if (c === Byte.Minus || (c !== undefined && c >= Byte.Zero && c <= Byte.Nine)) return this.integerEnd(p, end);
    return this.literalEnd(p, end, c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL);
  }

  private stringEnd(p: number, end: number): number {
    const src = this.src;
    for (let q = p + 1; q < end; q++) {
      const c = src[q]!;
      if (c === Byte.Quote) return q + 1;
      if (c < Byte.Space) return NOT_CANONICAL; // JSON.stringify would escape it
      if (c >= 0x80) this.nonAscii = true;
      else if (c === Byte.Backslash) {
        const escaped = src[q + 1] ?? 0;
        if (SHORT_ESCAPES.has(escaped)) q += 1;
        else if (escaped === Byte.LowerU && src[q + 2] === Byte.Zero && src[q + 3] === Byte.Zero && q + 5 < end) {
          // `\u00xx` only for the control characters that have no short escape.
          const high = hexDigit(src[q + 4]!);
          const low = hexDigit(src[q + 5]!);
          const code = high * 16 + low;
          if (high < 0 || low < 0 || code >= Byte.Space || SHORT_CONTROLS.has(code)) return NOT_CANONICAL;
          q += 5;
        } else return NOT_CANONICAL;
      }
    }
    return NOT_CANONICAL;
  }

  private integerEnd(p: number, end: number): number {
    const src = this.src;
    const first = src[p] === Byte.Minus ? p + 1 : p;
    let q = first;
    while (q < end && src[q]! >= Byte.Zero && src[q]! <= Byte.Nine) q++;
    const digits = q - first;
    // "-0" prints as 0, leading zeros and long numbers differently; fractions and exponents too.
    if (digits === 0 || digits > MAX_DIGITS || (src[first] === Byte.Zero && (digits > 1 || first > p))) return NOT_CANONICAL;
    const next = src[q];
    return q === end || next === Byte.Comma || next === Byte.CloseObject || next === Byte.CloseArray ? q : NOT_CANONICAL;
  }

  private literalEnd(p: number, end: number, literal: readonly number[]): number {
    if (p + literal.length > end) return NOT_CANONICAL;
    for (let i = 0; i < literal.length; i++) if (this.src[p + i] !== literal[i]) return NOT_CANONICAL;
    return p + literal.length;
  }

  private push(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) {
    if (this.top + 4 > this.entries.length) {
      const bigger = new Int32Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    const entries = this.entries;
    entries[this.top++] = keyStart;
    entries[this.top++] = keyEnd;
    entries[this.top++] = valueStart;
    entries[this.top++] = valueEnd;
  }

  /** Insertion sort by key bytes (objects hold a handful of keys). */
  private sortKeys(base: number, count: number) {
    const entries = this.entries;
    for (let i = 1; i < count; i++) {
      const at = base + i * 4;
      const k0 = entries[at]!;
      const k1 = entries[at + 1]!;
      const v0 = entries[at + 2]!;
      const v1 = entries[at + 3]!;
      let j = i - 1;
      while (j >= 0 && this.keyAfter(entries[base + j * 4]!, entries[base + j * 4 + 1]!, k0, k1)) {
        entries.copyWithin(base + (j + 1) * 4, base + j * 4, base + j * 4 + 4);
        j--;
      }
      const to = base + (j + 1) * 4;
      entries[to] = k0;
      entries[to + 1] = k1;
      entries[to + 2] = v0;
      entries[to + 3] = v1;
    }
  }

  /** Whether key `src[a0, a1)` sorts after key `src[b0, b1)` (both with their quotes). */
  private keyAfter(a0: number, a1: number, b0: number, b1: number): boolean {
    const src = this.src;
    const n = Math.min(a1 - a0, b1 - b0) - 1; // up to the shorter key's closing quote
    for (let i = 1; i < n; i++) {
      const d = src[a0 + i]! - src[b0 + i]!;
      if (d !== 0) return d > 0;
    }
    return a1 - a0 > b1 - b0;
  }

  private copy(from: number, to: number) {
    const src = this.src;
    const out = this.out;
    let o = this.o;
    for (let k = from; k < to; k++) out[o++] = src[k]!;
    this.o = o;
  }
}

/**
 * Whether JSON.stringify prints the text unchanged between quotes: no `"`, `\` or control
 * character, and valid UTF-8 (invalid bytes would be decoded to U+FFFD).
 */
export function stringifiesAsIs(bytes: Uint8Array, from: number, to: number): boolean {
  let nonAscii = false;
  for (let k = from; k < to; k++) {
    const c = bytes[k]!;
    if (c < Byte.Space || c === Byte.Quote || c === Byte.Backslash) return false;
    if (c >= 0x80) nonAscii = true;
  }
  return !nonAscii || isUtf8(bytes.subarray(from, to));
}
