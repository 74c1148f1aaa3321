/**
 * Splits the output of `COPY … TO STDOUT (FORMAT binary)` into rows without creating an
 * object per row or per value: for each row and column it records where the value's bytes
 * start and end in the chunk they arrived in. The format (PostgreSQL's "Binary Format" of
 * COPY): an 11-byte signature, a 32-bit flags field and a header extension; then per row a
 * 16-bit column count and, per column, a 32-bit length (-1 for NULL) and that many bytes; then
 * a 16-bit -1. A `text` value is its UTF-8 bytes, with no quoting or escaping.
 *
 * Chunks may split rows anywhere (the stream is a byte stream): what a chunk leaves
 * unfinished waits for the next one.
 */
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const HEADER_BYTES = SIGNATURE.length + 8; // + flags + header extension length

export class BinaryCopyReader {
  /** The bytes the last chunk's rows lie in. */
  bytes: Buffer = Buffer.alloc(0);
  /** Whole rows in `bytes`. */
  rows = 0;
  /** `starts[row * columns + column]`: where the value begins in `bytes`, -1 for NULL. */
  starts: Int32Array;
  /** Where the value ends (exclusive), -1 for NULL. */
  ends: Int32Array;
  /** `sizes[row]`: the row's bytes in the stream (its values and their lengths). */
  sizes: Int32Array;
  private pending: Buffer | null = null;
  /** A view of the memory the chunks lie in (consecutive chunks share it), made once for it. */
  private memory: ArrayBufferLike | null = null;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private headerRead = false;
  private ended = false;

  constructor(readonly columns: number) {
    this.starts = new Int32Array(columns * 256);
    this.ends = new Int32Array(columns * 256);
    this.sizes = new Int32Array(256);
  }

  /** Before the next COPY's output. */
  reset() {
    this.pending = null;
    this.headerRead = false;
    this.ended = false;
    this.rows = 0;
  }

  /** Takes the next chunk of the stream; the whole rows it completes are then in `bytes`, `rows`, `starts`, `ends`, `sizes`. */
  read(chunk: Buffer): number {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    this.bytes = bytes;
    this.rows = 0;
    let p = 0;
    if (!this.headerRead) {
      if (bytes.length < HEADER_BYTES) return this.keep(bytes, 0);
      if (!bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error("COPY output does not start with the binary format's signature");
      const extension = bytes.readUInt32BE(SIGNATURE.length + 4);
      if (bytes.length < HEADER_BYTES + extension) return this.keep(bytes, 0);
      p = HEADER_BYTES + extension;
      this.headerRead = true;
    }
    const columns = this.columns;
    if (bytes.buffer !== this.memory) {
      this.memory = bytes.buffer;
      this.view = new DataView(bytes.buffer);
    }
    const view = this.view;
    const offset = bytes.byteOffset;
    while (p + 2 <= bytes.length) {
      if (this.ended) throw new Error("COPY output goes on after its trailer");
      const count = view.getInt16(offset + p); // or -1: the trailer
      if (count === -1) {
        this.ended = true;
        p += 2;
        continue;
      }
      if (count !== columns) throw new Error(`COPY row has ${count} columns, expected ${columns}`);
      const base = this.rows * columns;
      if (base + columns > this.starts.length) this.grow();
      const starts = this.starts;
      const ends = this.ends;
      let q = p + 2;
      let column = 0;
      for (; column < columns && q + 4 <= bytes.length; column++) {
        const length = view.getInt32(offset + q); // or -1: NULL
        q += 4;
        if (length === -1) {
          starts[base + column] = -1;
          ends[base + column] = -1;
          continue;
        }
        if (length < 0) throw new Error(`COPY value of length ${length}`);
        if (q + length > bytes.length) break;
        starts[base + column] = q;
        q += length;
        ends[base + column] = q;
      }
      if (column < columns) break; // the row goes on in the next chunk
      this.sizes[this.rows] = q - p;
      this.rows += 1;
      p = q;
    }
    return this.keep(bytes, p);
  }

  /** Throws unless the output ended with its trailer, with no row left unfinished. */
  finish() {
    if (!this.ended || this.pending) throw new Error("COPY output ended before its trailer");
  }

  private keep(bytes: Buffer, from: number): number {
    if (from < bytes.length) this.pending = bytes.subarray(from);
    return this.rows;
  }

  private grow() {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    const sizes = new Int32Array(this.sizes.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    sizes.set(this.sizes);
    this.starts = starts;
    this.ends = ends;
    this.sizes = sizes;
  }
}
