import type { Readable } from "node:stream";

import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { BinaryCopyReader } from "../db/binary-copy-reader";
import { copyOutChunks } from "../db/copy-out-chunks";
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
  /** Whether the row's prevHash is `hash` (the hash of the row before this batch). */
  prevHashIs(i: number, hash: string): boolean;
  /** Whether the row's prevHash is the stored hash of the row before it in this batch. */
  linked(i: number): boolean;
  /** Whether the row's content and prevHash give its stored hash. */
  holdsHash(i: number): boolean;
}

/** Every row after `afterSeq` (up to `upTo`), in seq order, batch after batch. */
type ChainRows = (afterSeq: number) => AsyncGenerator<Batch>;

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
function objectRows(db: Executor, limit: number, upTo: number | null): ChainRows {
  const fetch = (afterSeq: number) => {
    const next = queryRows<ChainRow>(db, batchQuery(afterSeq, limit, upTo));
    next.catch(() => undefined); // awaited below, unless the walk stops first
    return next;
  };
  return async function* (afterSeq) {
    let pending = fetch(afterSeq);
    for (;;) {
      const rows = await pending;
      if (rows.length === limit) pending = fetch(rows[limit - 1]!.seq);
      yield {
        length: rows.length,
        seq: (i) => rows[i]!.seq,
        eventId: (i) => rows[i]!.eventId,
        hash: (i) => rows[i]!.hash,
        prevHashIs: (i, hash) => rows[i]!.prevHash === hash,
        linked: (i) => rows[i]!.prevHash === rows[i - 1]!.hash,
        holdsHash: (i) => computeAuditHash(rows[i]!.prevHash, rows[i]!) === rows[i]!.hash,
      };
      if (rows.length < limit) return;
    }
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
 * postgres.js: `limit` rows per COPY statement, each statement's output read as it streams in
 * (its socket pauses while this side is behind, so memory stays flat) and split in place by
 * BinaryCopyReader, each row hashed from its bytes (copy-chain-rows.ts). A batch is whatever
 * one chunk of the stream holds.
 */
function copyRows(client: PostgresJs, limit: number, upTo: number | null): ChainRows {
  const reader = new BinaryCopyReader(CHAIN_COLUMNS);
  const hasher = new ChainRowHasher();
  const at = (i: number, column: number) => i * CHAIN_COLUMNS + column;
  const text = (i: number, column: number) => reader.bytes.toString("utf8", reader.starts[at(i, column)]!, reader.ends[at(i, column)]!);
  /** Whether row i's `column` holds `hash` (no string made for it). */
  const holds = (i: number, column: number, hash: string) => bytesAre(reader.bytes, reader.starts[at(i, column)]!, reader.ends[at(i, column)]!, hash);
  const batch: Batch = {
    length: 0,
    seq: (i) => seqAt(reader.bytes, reader.starts[at(i, SEQ_COLUMN)]!),
    eventId: (i) => text(i, EVENT_ID_COLUMN),
    hash: (i) => text(i, HASH_COLUMN),
    prevHashIs: (i, hash) => holds(i, PREV_HASH_COLUMN, hash),
    linked: (i) => {
      const prev = at(i, PREV_HASH_COLUMN);
      const hash = at(i - 1, HASH_COLUMN);
      return sameBytes(reader.bytes, reader.starts[prev]!, reader.ends[prev]!, reader.starts[hash]!, reader.ends[hash]!);
    },
    holdsHash: (i) => holds(i, HASH_COLUMN, hasher.hash(reader.bytes, reader.starts, reader.ends, i * CHAIN_COLUMNS, reader.sizes[i]!)),
  };
  return async function* (afterSeq) {
    for (;;) {
      reader.reset();
      const stream = await client.unsafe(chainCopyStatement(afterSeq, limit, upTo)).readable();
      let rows = 0;
      for await (const chunk of copyOutChunks(stream)) {
        batch.length = reader.read(chunk);
        if (batch.length === 0) continue;
        rows += batch.length;
        afterSeq = batch.seq(batch.length - 1);
        yield batch;
      }
      reader.finish();
      if (rows < limit) return;
    }
  };
}

/**
 * Walks `audit_logs` in `seq` order and re-hashes every row. Names the first row whose content
 * no longer matches its hash (altered) or whose `prevHash` is not the previous row's hash (a row
 * removed, inserted or reordered). Reads in keyset batches, fetching the next batch while the
 * current one is hashed, so memory stays flat and the database and the CPU work at once.
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
  let previousHash = after?.hash ?? GENESIS_HASH;
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
  const read = client ? copyRows(client, batchSize, upTo) : objectRows(db, batchSize, upTo);
  for await (const batch of read(lastSeq)) {
    for (let i = 0; i < batch.length; i++) {
      const seq = batch.seq(i);
      if (expect && lastSeq < expect.seq && seq > expect.seq) {
        return fail(expect.seq, null, `row #${expect.seq} of ${signed} is missing`);
      }
      if (!(i === 0 ? batch.prevHashIs(i, previousHash) : batch.linked(i))) {
        return fail(seq, batch.eventId(i), "prev_hash does not match the previous row's hash: a row before this one was removed, inserted, reordered, or altered along with its hash");
      }
      if (!batch.holdsHash(i)) {
        return fail(seq, batch.eventId(i), "the row's content does not match its hash: it was altered after it was written");
      }
      if (expect && seq === expect.seq && batch.hash(i) !== expect.hash) {
        return fail(seq, batch.eventId(i), `the row's hash is not the one in ${signed}: the history up to it was rewritten (hashes recomputed)`);
      }
      lastSeq = seq;
      fromSeq ??= seq;
      rows += 1;
    }
    // The rows hold their own hashes and each links to the one before: the last one's carries on.
    if (batch.length > 0) previousHash = batch.hash(batch.length - 1);
  }
  if (expect && lastSeq < expect.seq) {
    return fail(lastSeq + 1, null, `the log ends at row #${lastSeq}, before row #${expect.seq} of ${signed}: the newest rows were deleted`);
  }
  return { ok: true, rows, fromSeq, head: rows > 0 || after ? { seq: lastSeq, hash: previousHash } : null };
}
