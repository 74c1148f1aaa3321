import type { Readable } from "node:stream";

import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { BinaryCopyReader } from "../db/binary-copy-reader";
import { readCopyOut } from "../db/read-copy-out";
import { computeAuditHash, GENESIS_HASH, type HashedContent } from "./offline-verifier.mjs";
import { bytesAre, CHAIN_COLUMNS, chainCopyStatement, ChainRowHasher, EVENT_ID_COLUMN, HASH_COLUMN, PREV_HASH_COLUMN, sameBytes, SEQ_COLUMN, seqAt } from "./copy-chain-rows";

export type AuditChainVerification =
  | {
      ok: true;
      /** Rows re-hashed by this walk. */
      rows: number;
      /** The first seq this walk re-hashed (null when there was nothing to check). */
      fromSeq: number | null;
      /** The last row's hash: a signed checkpoint records it outside the table. */
      head: { seq: number; hash: string } | null;
    }
  | {
      ok: false;
      /** Rows that checked out before the first bad one. */
      rows: number;
      firstBadSeq: number;
      /** The bad row's event, when the row exists (not for a missing row). */
      eventId: string | null;
      reason: string;
    };

/** A signed head the table must still hold: `seq` with exactly this `hash`. */
export interface ExpectedHead {
  seq: number;
  hash: string;
  /** Said in the failure ("the checkpoint signed at …"). */
  at?: string;
}

type ChainRow = HashedContent & { seq: number; prevHash: string; hash: string; eventId: string };

/** Some rows in seq order, read through whichever driver fits (see below). */
interface Batch {
  length: number;
  seq(i: number): number;
  eventId(i: number): string;
  /** The row's stored hash. */
  hash(i: number): string;
  /** Whether the row's prevHash is the hash of the row before it (of the batch before, or where the walk starts). */
  linked(i: number): boolean;
  /** Whether the row's content and prevHash give its stored hash. */
  holdsHash(i: number): boolean;
}

/** Where a walk starts: after this seq, whose row has this hash (GENESIS_HASH before the first row). */
interface Start {
  afterSeq: number;
  hash: string;
  limit: number;
  upTo: number | null;
}

interface ChainRows {
  /** Hands every row after the start, in seq order, to `visit`, batch after batch, until it answers false. */
  read(visit: (batch: Batch) => boolean): Promise<void>;
  /** The hash of the last row of the last batch `visit` accepted (the start's, before any). */
  lastHash(): string;
}

// Timestamps come back as ISO text (no Date parsing per row) and seq as a JS number on both drivers.
const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const batchQuery = (afterSeq: number, limit: number, upTo: number | null) => sql`
  select seq::float8 as "seq", event_id::text as "eventId", event_type as "eventType", action, outcome::text as "outcome",
    workflow, actor_type as "actorType", actor_user_id as "actorUserId", user_id as "userId", provider_id as "providerId",
    provider_slug as "providerSlug", connection_id::text as "connectionId", reason, needs_user_action as "needsUserAction",
    correlation_id::text as "correlationId", ip_address as "ipAddress", user_agent as "userAgent",
    ${iso("occurred_at")} as "occurredAt", ${iso("recorded_at")} as "recordedAt", metadata,
    prev_hash as "prevHash", hash
  from audit_logs where seq > ${afterSeq} ${upTo === null ? sql`` : sql`and seq <= ${upTo}`}
  order by audit_logs.seq limit ${limit}`;

/**
 * Any driver (PGlite in development and tests): keyset batches of row objects, hashed by
 * computeAuditHash. The next batch is on its way while this one is hashed.
 */
function objectRows(db: Executor, { afterSeq, hash, limit, upTo }: Start): ChainRows {
  let last = hash;
  const fetch = (after: number) => {
    const next = queryRows<ChainRow>(db, batchQuery(after, limit, upTo));
    next.catch(() => undefined); // awaited below, unless the walk stops first
    return next;
  };
  return {
    lastHash: () => last,
    async read(visit) {
      let pending = fetch(afterSeq);
      for (;;) {
        const rows = await pending;
        if (rows.length === limit) pending = fetch(rows[limit - 1]!.seq);
        const accepted = visit({
          length: rows.length,
          seq: (i) => rows[i]!.seq,
          eventId: (i) => rows[i]!.eventId,
          hash: (i) => rows[i]!.hash,
          linked: (i) => rows[i]!.prevHash === (i === 0 ? last : rows[i - 1]!.hash),
          holdsHash: (i) => computeAuditHash(rows[i]!.prevHash, rows[i]!) === rows[i]!.hash,
        });
        if (!accepted) return;
        if (rows.length > 0) last = rows[rows.length - 1]!.hash;
        if (rows.length < limit) return;
      }
    },
  };
}

interface PostgresJs {
  unsafe(query: string): { readable(): Promise<Readable> };
}

/** postgres.js under the database or transaction drizzle wraps (null for PGlite). */
function postgresJsClient(db: Executor): PostgresJs | null {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client as Partial<PostgresJs> | undefined;
  return typeof client?.unsafe === "function" ? (client as PostgresJs) : null;
}

/**
 * postgres.js: `limit` rows per COPY statement, each chunk of its output split in place by
 * BinaryCopyReader and its rows checked as the chunk arrives (lib/db/read-copy-out.ts), each
 * row hashed from its bytes (copy-chain-rows.ts). A batch is one chunk's rows.
 */
function copyRows(client: PostgresJs, { afterSeq, hash, limit, upTo }: Start): ChainRows {
  const reader = new BinaryCopyReader(CHAIN_COLUMNS);
  const hasher = new ChainRowHasher();
  const last = new LastHash(hash);
  const start = (i: number, column: number) => reader.starts[i * CHAIN_COLUMNS + column]!;
  const end = (i: number, column: number) => reader.ends[i * CHAIN_COLUMNS + column]!;
  const text = (i: number, column: number) => reader.bytes.toString("utf8", start(i, column), end(i, column));
  const batch: Batch = {
    length: 0,
    seq: (i) => seqAt(reader.bytes, start(i, SEQ_COLUMN)),
    eventId: (i) => text(i, EVENT_ID_COLUMN),
    hash: (i) => text(i, HASH_COLUMN),
    linked: (i) =>
      i === 0
        ? last.is(reader.bytes, start(0, PREV_HASH_COLUMN), end(0, PREV_HASH_COLUMN))
        : sameBytes(reader.bytes, start(i, PREV_HASH_COLUMN), end(i, PREV_HASH_COLUMN), start(i - 1, HASH_COLUMN), end(i - 1, HASH_COLUMN)),
    holdsHash: (i) => bytesAre(reader.bytes, start(i, HASH_COLUMN), end(i, HASH_COLUMN), hasher.hash(reader.bytes, reader.starts, reader.ends, i * CHAIN_COLUMNS, reader.sizes[i]!)),
  };
  return {
    lastHash: () => last.text(),
    async read(visit) {
      for (;;) {
        reader.reset();
        const stream = await client.unsafe(chainCopyStatement(afterSeq, limit, upTo)).readable();
        let rows = 0;
        let accepted = true;
        await readCopyOut(stream, (chunk) => {
          batch.length = reader.read(chunk);
          if (batch.length === 0) return true;
          rows += batch.length;
          afterSeq = batch.seq(batch.length - 1);
          accepted = visit(batch);
          if (accepted) last.keep(reader.bytes, start(batch.length - 1, HASH_COLUMN), end(batch.length - 1, HASH_COLUMN));
          return accepted;
        });
        if (!accepted) return;
        reader.finish();
        if (rows < limit) return;
      }
    },
  };
}

/** The hash the next row must link to: where the walk started (text), then a row's stored hash (bytes, kept without making a string). */
class LastHash {
  private bytes = Buffer.alloc(64);
  private length = -1;

  constructor(private start: string) {}

  is(bytes: Buffer, start: number, end: number): boolean {
    if (this.length < 0) return bytesAre(bytes, start, end, this.start);
    if (end - start !== this.length) return false;
    for (let k = 0; k < this.length; k++) if (this.bytes[k] !== bytes[start + k]) return false;
    return true;
  }

  keep(bytes: Buffer, start: number, end: number) {
    if (end - start > this.bytes.length) this.bytes = Buffer.alloc(end - start);
    for (let k = start; k < end; k++) this.bytes[k - start] = bytes[k]!;
    this.length = end - start;
  }

  text(): string {
    return this.length < 0 ? this.start : this.bytes.toString("utf8", 0, this.length);
  }
}

/**
 * Walks `audit_logs` in `seq` order and re-hashes every row. Names the first row whose content
 * no longer matches its hash (altered) or whose `prevHash` is not the previous row's hash (a row
 * removed, inserted or reordered). Reads in keyset batches, each streamed as it is checked (the
 * next one fetched meanwhile, on PGlite), so memory stays flat and the database and the CPU
 * work at once.
 *
 * - `after`: continue from a head an earlier walk verified (only rows after it are re-hashed);
 *   the row at that head must still carry that hash.
 * - `expect`: a signed checkpoint; the row at its seq must exist with its hash, so a deleted
 *   tail or a history rewritten with recomputed hashes shows.
 * - `upTo`: stop after this seq.
 * - `rowsAs`: `objects` reads row objects on postgres.js too (the walk before the COPY path;
 *   `npm run bench:audit` compares the two in one process).
 */
export async function verifyAuditChain({
  executor,
  batchSize = 2_000,
  after,
  expect,
  upTo = null,
  rowsAs = "copy",
}: {
  executor?: Executor;
  batchSize?: number;
  after?: { seq: number; hash: string };
  expect?: ExpectedHead;
  upTo?: number | null;
  rowsAs?: "copy" | "objects";
} = {}): Promise<AuditChainVerification> {
  const db = executor ?? (await getDb());
  let lastSeq = after?.seq ?? 0;
  let fromSeq: number | null = null;
  let rows = 0;
  const fail = (firstBadSeq: number, eventId: string | null, reason: string): AuditChainVerification => ({ ok: false, rows, firstBadSeq, eventId, reason });
  const signed = expect ? `the signed checkpoint${expect.at ? ` of ${expect.at}` : ""}` : "";

  if (after && after.seq > 0) {
    const [row] = await queryRows<{ hash: string; eventId: string }>(db, sql`select hash, event_id::text as "eventId" from audit_logs where seq = ${after.seq}`);
    if (!row) return fail(after.seq, null, "the row is missing: it was deleted after it was verified");
    if (row.hash !== after.hash) return fail(after.seq, row.eventId, "the row's hash changed after it was verified: the history up to it was rewritten");
  }

  const client = rowsAs === "copy" ? postgresJsClient(db) : null;
  const start: Start = { afterSeq: lastSeq, hash: after?.hash ?? GENESIS_HASH, limit: batchSize, upTo };
  const source = client ? copyRows(client, start) : objectRows(db, start);
  let verdict = null as AuditChainVerification | null;
  /** Checks a batch's rows in order; false (and the verdict) at the first bad one. */
  const check = (batch: Batch): boolean => {
    for (let i = 0; i < batch.length; i++) {
      const seq = batch.seq(i);
      if (expect && lastSeq < expect.seq && seq > expect.seq) {
        verdict = fail(expect.seq, null, `row #${expect.seq} of ${signed} is missing`);
      } else if (!batch.linked(i)) {
        verdict = fail(seq, batch.eventId(i), "prev_hash does not match the previous row's hash: a row before this one was removed, inserted, reordered, or altered along with its hash");
      } else if (!batch.holdsHash(i)) {
        verdict = fail(seq, batch.eventId(i), "the row's content does not match its hash: it was altered after it was written");
      } else if (expect && seq === expect.seq && batch.hash(i) !== expect.hash) {
        verdict = fail(seq, batch.eventId(i), `the row's hash is not the one in ${signed}: the history up to it was rewritten (hashes recomputed)`);
      }
      if (verdict) return false;
      lastSeq = seq;
      fromSeq ??= seq;
      rows += 1;
    }
    return true;
  };
  await source.read(check);
  if (verdict) return verdict;
  const previousHash = source.lastHash();
  if (expect && lastSeq < expect.seq) {
    return fail(lastSeq + 1, null, `the log ends at row #${lastSeq}, before row #${expect.seq} of ${signed}: the newest rows were deleted`);
  }
  return { ok: true, rows, fromSeq, head: rows > 0 || after ? { seq: lastSeq, hash: previousHash } : null };
}
