/**
 * What PostgreSQL sends, built in memory for unit tests: jsonb's text form and the output of
 * `COPY … TO STDOUT (FORMAT binary)`.
 */

/** jsonb's text form of `value`: keys ordered by length then bytes, `", "` and `": "` between items. */
export function jsonbText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort((a, b) => {
      const x = Buffer.from(a);
      const y = Buffer.from(b);
      return x.length - y.length || Buffer.compare(x, y);
    });
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonbText((value as Record<string, unknown>)[key])}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** A column's value as binary COPY sends it: text as UTF-8, a boolean as one byte, an int8 as 8 bytes; null for NULL. */
export type CopyValue = string | boolean | bigint | Buffer | null;

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

function field(value: CopyValue): Buffer {
  if (value === null) return Buffer.from([0xff, 0xff, 0xff, 0xff]);
  let bytes: Buffer;
  if (typeof value === "boolean") bytes = Buffer.from([value ? 1 : 0]);
  else if (typeof value === "bigint") {
    bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(value);
  } else bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, "utf8");
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The whole output of a binary COPY holding `rows`, with a header extension of `extension` bytes. */
export function binaryCopyOutput(rows: CopyValue[][], extension = 0): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(extension, 4);
  const parts: Buffer[] = [SIGNATURE, header, Buffer.alloc(extension, 7)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count, ...row.map(field));
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}
