import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { computeAuditHash, GENESIS_HASH, type HashedContent } from "./offline-verifier.mjs";

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
 */
export async function verifyAuditChain({
  executor,
  batchSize = 10_000,
  after,
  expect,
  upTo = null,
}: {
  executor?: Executor;
  batchSize?: number;
  after?: { seq: number; hash: string };
  expect?: ExpectedHead;
  upTo?: number | null;
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

  const fetch = (afterSeq: number) => {
    const next = queryRows<ChainRow>(db, batchQuery(afterSeq, batchSize, upTo));
    next.catch(() => undefined); // awaited below, unless the walk stops first
    return next;
  };
  let pending = fetch(lastSeq);
  for (;;) {
    const batch = await pending;
    // The next batch is on its way while this one is hashed.
    if (batch.length === batchSize) pending = fetch(batch.at(-1)!.seq);
    for (const row of batch) {
      if (expect && lastSeq < expect.seq && row.seq > expect.seq) {
        return fail(expect.seq, null, `row #${expect.seq} of ${signed} is missing`);
      }
      if (row.prevHash !== previousHash) {
        return fail(row.seq, row.eventId, "prev_hash does not match the previous row's hash: a row before this one was removed, inserted, reordered, or altered along with its hash");
      }
      if (computeAuditHash(row.prevHash, row) !== row.hash) {
        return fail(row.seq, row.eventId, "the row's content does not match its hash: it was altered after it was written");
      }
      if (expect && row.seq === expect.seq && row.hash !== expect.hash) {
        return fail(row.seq, row.eventId, `the row's hash is not the one in ${signed}: the history up to it was rewritten (hashes recomputed)`);
      }
      previousHash = row.hash;
      lastSeq = row.seq;
      fromSeq ??= row.seq;
      rows += 1;
    }
    if (batch.length < batchSize) break;
  }
  if (expect && lastSeq < expect.seq) {
    return fail(lastSeq + 1, null, `the log ends at row #${lastSeq}, before row #${expect.seq} of ${signed}: the newest rows were deleted`);
  }
  return { ok: true, rows, fromSeq, head: rows > 0 || after ? { seq: lastSeq, hash: previousHash } : null };
}
