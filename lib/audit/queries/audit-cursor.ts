/**
 * Keyset cursors for the timeline: the (occurred_at, seq) of a run's last row, exact to the
 * microsecond Postgres stores, made opaque for the URL. A page asks for the runs strictly
 * older (or newer) than a cursor, so rows written meanwhile never shift a page the way
 * OFFSET does, and a deep page costs what the first one does.
 */
export interface AuditCursor {
  /** occurred_at as microseconds since the Unix epoch (a decimal string: beyond 2^53). */
  occurredUs: string;
  seq: number;
}

const VERSION = "v1";
const DIGITS = /^\d{1,20}$/;
/** 9999-12-31T23:59:59.999999Z: later instants overflow a JavaScript Date (and Postgres's input). */
const LATEST_US = 253_402_300_799_999_999n;

export function encodeCursor(cursor: AuditCursor): string {
  return Buffer.from(`${VERSION}.${cursor.occurredUs}.${cursor.seq}`, "utf8").toString("base64url");
}

/** The cursor in a URL, or null when it is missing or not one of ours. */
export function decodeCursor(value: string | undefined | null): AuditCursor | null {
  if (!value || value.length > 80 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const [version, occurredUs, seq, ...rest] = Buffer.from(value, "base64url").toString("utf8").split(".");
  if (version !== VERSION || rest.length > 0 || !occurredUs || !seq || !DIGITS.test(occurredUs) || !DIGITS.test(seq)) return null;
  const seqNumber = Number(seq);
  if (!Number.isSafeInteger(seqNumber) || BigInt(occurredUs) > LATEST_US) return null;
  return { occurredUs: occurredUs.replace(/^0+(?=\d)/, ""), seq: seqNumber };
}

/** A page's `older` / `newer` parameter is absent or a cursor of ours; anything else is a bad address. */
export function isCursorParam(value: string | undefined): boolean {
  return value === undefined || decodeCursor(value) !== null;
}

/** The cursor's instant as an ISO 8601 timestamp with microseconds, for a `timestamptz` parameter. */
export function cursorTimestamp(cursor: AuditCursor): string {
  const us = BigInt(cursor.occurredUs);
  const ms = us / 1000n;
  const micros = Number(us % 1000n);
  const iso = new Date(Number(ms)).toISOString(); // …T10:00:00.123Z
  return `${iso.slice(0, -1)}${String(micros).padStart(3, "0")}Z`;
}
