import { describe, expect, it } from "vitest";

import { BinaryCopyReader } from "./binary-copy-reader";
import { binaryCopyOutput, type CopyValue } from "@/test/support/copy-output";

const rows: CopyValue[][] = [
  ["a", null, true, 7n],
  ["tab\tnew\nline \\ \"é😀", "", false, -1n],
  [null, "x".repeat(300), null, 2n ** 40n],
];

/** Every row read back, the stream cut into chunks of `size` bytes. */
function readAll(output: Buffer, size: number): (string | null)[][] {
  const reader = new BinaryCopyReader(4);
  const out: (string | null)[][] = [];
  for (let at = 0; at < output.length; at += size) {
    const count = reader.read(output.subarray(at, at + size));
    for (let r = 0; r < count; r++) {
      out.push(
        Array.from({ length: 4 }, (_, c) => {
          const start = reader.starts[r * 4 + c]!;
          return start < 0 ? null : reader.bytes.toString("hex", start, reader.ends[r * 4 + c]!);
        }),
      );
    }
  }
  reader.finish();
  return out;
}

const hex = (value: CopyValue) => {
  if (value === null) return null;
  if (typeof value === "boolean") return value ? "01" : "00";
  if (typeof value === "bigint") {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(value);
    return bytes.toString("hex");
  }
  return Buffer.from(value as string, "utf8").toString("hex");
};

describe("BinaryCopyReader", () => {
  it("finds every value, NULLs included, however the stream is cut", () => {
    const output = binaryCopyOutput(rows, 5);
    const expected = rows.map((row) => row.map(hex));
    for (let size = 1; size <= output.length; size++) expect(readAll(output, size)).toEqual(expected);
  });

  it("reads an empty COPY and a reader reset for the next statement", () => {
    const reader = new BinaryCopyReader(4);
    expect(reader.read(binaryCopyOutput([]))).toBe(0);
    reader.finish();
    reader.reset();
    expect(reader.read(binaryCopyOutput(rows))).toBe(3);
    reader.finish();
  });

  it("holds more rows than it first has room for", () => {
    const many = Array.from({ length: 1000 }, (_, i): CopyValue[] => [String(i), null, i % 2 === 0, BigInt(i)]);
    const reader = new BinaryCopyReader(4);
    expect(reader.read(binaryCopyOutput(many))).toBe(1000);
    expect(reader.bytes.toString("utf8", reader.starts[999 * 4]!, reader.ends[999 * 4]!)).toBe("999");
  });

  it("refuses what is not a whole binary COPY of the expected shape", () => {
    const output = binaryCopyOutput(rows);
    expect(() => new BinaryCopyReader(4).read(Buffer.from("id\tname\n1\tx\n".repeat(3)))).toThrow(/signature/);
    expect(() => new BinaryCopyReader(3).read(output)).toThrow(/4 columns, expected 3/);
    expect(() => new BinaryCopyReader(4).read(Buffer.concat([output, Buffer.from([0, 4])]))).toThrow(/after its trailer/);
    const cut = new BinaryCopyReader(4);
    cut.read(output.subarray(0, output.length - 3));
    expect(() => cut.finish()).toThrow(/before its trailer/);
    const negative = Buffer.from(output);
    negative.writeInt32BE(-2, 19 + 2); // the first value's length
    expect(() => new BinaryCopyReader(4).read(negative)).toThrow(/length -2/);
  });
});
