/**
 * UUID version 7 (RFC 9562 §5.7): a 48-bit Unix millisecond timestamp, then random bits.
 * Ids sort by creation time, which keeps the outbox and audit indexes append-mostly.
 *
 * Within one millisecond the 12-bit `rand_a` field is a counter started at a random value
 * (RFC 9562 §6.2, method 1), so ids made by this process stay strictly increasing; on
 * counter overflow the timestamp is advanced by one millisecond.
 */
import { randomFillSync } from "node:crypto";

const BYTES_PER_ID = 9;
const POOL_SIZE = BYTES_PER_ID * 256;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

let lastMs = -1;
let counter = 0;

const bytes = Buffer.alloc(16);

/** Nine fresh random bytes from a pooled buffer (one `randomFillSync` per 256 ids). */
function randomOffset(): number {
  if (poolOffset + BYTES_PER_ID > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += BYTES_PER_ID;
  return offset;
}

export function uuidv7(now: number = Date.now()): string {
  const offset = randomOffset();
  if (now > lastMs) {
    lastMs = now;
    // Start low in the 12-bit range so a busy millisecond rarely overflows.
    counter = pool[offset]! & 0x7ff;
  } else {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  }
  const ms = lastMs;
  const b = bytes;
  // 48-bit big-endian timestamp (division, not bit shifts: JS bitwise ops are 32-bit).
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (counter >>> 8); // version 7 + counter high bits
  b[7] = counter & 0xff;
  b[8] = 0x80 | (pool[offset + 1]! & 0x3f); // RFC 9562 variant
  pool.copy(b, 9, offset + 2, offset + 9);
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The creation time encoded in a UUID v7. */
export function uuidv7Timestamp(id: string): number {
  return Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}
