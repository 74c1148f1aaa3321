import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { computeAuditHash, GENESIS_HASH, type HashedContent } from "./offline-verifier.mjs";
import { ascii, EVENT_ID_COLUMN, HASH_COLUMN, PREV_HASH_COLUMN, RAW_CHAIN_COLUMNS, RawRowHasher, SEQ_COLUMN } from "./raw-chain-rows";

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

/** One batch of rows in seq order, read through whichever driver fits (see below). */
interface Batch {
  length: number;
  seq(i: number): number;
  prevHash(i: number): string;
  hash(i: number): string;
  eventId(i: number): string;
  /** The hash the row's content and its prevHash give. */
  computed(i: number): string;
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

/** Any driver (PGlite in development and tests): rows as objects, hashed by computeAuditHash. */
function objectBatches(db: Executor, limit: number, upTo: number | null) {
  return async (afterSeq: number): Promise<Batch> => {
    const rows = await queryRows<ChainRow>(db, batchQuery(afterSeq, limit, upTo));
    return {
      length: rows.length,
      seq: (i) => rows[i]!.seq,
      prevHash: (i) => rows[i]!.prevHash,
      hash: (i) => rows[i]!.hash,
      eventId: (i) => rows[i]!.eventId,
      computed: (i) => computeAuditHash(rows[i]!.prevHash, rows[i]!),
    };
  };
}

interface RawQuery {
  raw(): Promise<(Uint8Array | null)[][]>;
}
interface PostgresJs {
  unsafe(query: string, params: unknown[]): RawQuery;
}

/** postgres.js under the database or transaction drizzle wraps (null for PGlite). */
function postgresJsClient(db: Executor): PostgresJs | null {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client as Partial<PostgresJs> | undefined;
  return typeof client?.unsafe === "function" ? (client as PostgresJs) : null;
}

/**
 * postgres.js: rows as raw column bytes, each row's hash input written straight into one buffer
 * (raw-chain-rows.ts). In `npm run bench:audit` it walks in about 30% less wall time than row
 * objects, at about the same CPU time (docs/CAPACITY.md).
 */
function rawBatches(client: PostgresJs, limit: number, upTo: number | null) {
  const hasher = new RawRowHasher();
  const text = `select ${RAW_CHAIN_COLUMNS} from audit_logs where audit_logs.seq > $1${upTo === null ? "" : " and audit_logs.seq <= $3"} order by audit_logs.seq limit $2`;
  return async (afterSeq: number): Promise<Batch> => {
    const rows = await client.unsafe(text, upTo === null ? [afterSeq, limit] : [afterSeq, limit, upTo]).raw();
    const seqs = rows.map((row) => Number(ascii(row[SEQ_COLUMN]!)));
    return {
      length: rows.length,
      seq: (i) => seqs[i]!,
      prevHash: (i) => ascii(rows[i]![PREV_HASH_COLUMN]!),
      hash: (i) => ascii(rows[i]![HASH_COLUMN]!),
      eventId: (i) => ascii(rows[i]![EVENT_ID_COLUMN]!),
      computed: (i) => hasher.hash(rows[i]![PREV_HASH_COLUMN]!, rows[i]!),
    };
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
 * - `rowsAs`: `objects` reads row objects on postgres.js too (what it did before the raw path;
 *   `npm run bench:audit` compares the two in one process).
 * - `yieldEvery`: let the event loop run other work (the server's requests) after this many
 *   rows, so a long walk beside them holds none up for more than that many rows' hashing.
 */
export async function verifyAuditChain({
  executor,
  batchSize = 2_000,
  after,
  expect,
  upTo = null,
  rowsAs = "raw",
  yieldEvery,
}: {
  executor?: Executor;
  batchSize?: number;
  after?: { seq: number; hash: string };
  expect?: ExpectedHead;
  upTo?: number | null;
  rowsAs?: "raw" | "objects";
  yieldEvery?: number;
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

  const client = rowsAs === "raw" ? postgresJsClient(db) : null;
  const read = client ? rawBatches(client, batchSize, upTo) : objectBatches(db, batchSize, upTo);
  const fetch = (afterSeq: number) => {
    const next = read(afterSeq);
    next.catch(() => undefined); // awaited below, unless the walk stops first
    return next;
  };
  let pending = fetch(lastSeq);
  for (;;) {
    const batch = await pending;
    // The next batch is on its way while this one is hashed.
    if (batch.length === batchSize) pending = fetch(batch.seq(batch.length - 1));
    for (let i = 0; i < batch.length; i++) {
      if (yieldEvery && i > 0 && i % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
      const seq = batch.seq(i);
      if (expect && lastSeq < expect.seq && seq > expect.seq) {
        return fail(expect.seq, null, `row #${expect.seq} of ${signed} is missing`);
      }
      if (batch.prevHash(i) !== previousHash) {
        return fail(seq, batch.eventId(i), "prev_hash does not match the previous row's hash: a row before this one was removed, inserted, reordered, or altered along with its hash");
      }
      const hash = batch.hash(i);
      if (batch.computed(i) !== hash) {
        return fail(seq, batch.eventId(i), "the row's content does not match its hash: it was altered after it was written");
      }
      if (expect && seq === expect.seq && hash !== expect.hash) {
        return fail(seq, batch.eventId(i), `the row's hash is not the one in ${signed}: the history up to it was rewritten (hashes recomputed)`);
      }
      previousHash = hash;
      lastSeq = seq;
      fromSeq ??= seq;
      rows += 1;
    }
    if (batch.length < batchSize) break;
  }
  if (expect && lastSeq < expect.seq) {
    return fail(lastSeq + 1, null, `the log ends at row #${lastSeq}, before row #${expect.seq} of ${signed}: the newest rows were deleted`);
  }
  return { ok: true, rows, fromSeq, head: rows > 0 || after ? { seq: lastSeq, hash: previousHash } : null };
}
