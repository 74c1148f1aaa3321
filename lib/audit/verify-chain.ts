import { asc, gt } from "drizzle-orm";

import { getDb, type Executor } from "../db/client";
import { auditLogs } from "../db/schema";
import { computeAuditHash, GENESIS_HASH } from "./audit-hash";

export type AuditChainVerification =
  | {
      ok: true;
      /** Rows checked: the whole table. */
      rows: number;
      /** The last row's hash: note it somewhere else to detect later truncation of the tail. */
      head: { seq: number; hash: string } | null;
    }
  | {
      ok: false;
      /** Rows that checked out before the first bad one. */
      rows: number;
      firstBadSeq: number;
      eventId: string;
      reason: string;
    };

/**
 * Walks `audit_logs` in `seq` order and recomputes every hash. Names the first row whose
 * content no longer matches its hash (altered) or whose `prevHash` is not the previous
 * row's hash (a row removed, inserted or reordered). Reads in batches, so any size works.
 *
 * `after` continues from a head an earlier walk verified (only the rows after it are checked
 * and counted): what the admin page does between full walks (lib/audit/chain-status.ts).
 */
export async function verifyAuditChain({
  executor,
  batchSize = 2_000,
  after,
}: { executor?: Executor; batchSize?: number; after?: { seq: number; hash: string } } = {}): Promise<AuditChainVerification> {
  const db = executor ?? (await getDb());
  let previousHash = after?.hash ?? GENESIS_HASH;
  let lastSeq = after?.seq ?? 0;
  let rows = 0;
  for (;;) {
    const batch = await db
      .select()
      .from(auditLogs)
      .where(gt(auditLogs.seq, lastSeq))
      .orderBy(asc(auditLogs.seq))
      .limit(batchSize);
    for (const row of batch) {
      if (row.prevHash !== previousHash) {
        return {
          ok: false,
          rows,
          firstBadSeq: row.seq,
          eventId: row.eventId,
          reason: "prev_hash does not match the previous row's hash: a row before this one was removed, inserted, reordered, or altered along with its hash",
        };
      }
      if (computeAuditHash(row.prevHash, row) !== row.hash) {
        return {
          ok: false,
          rows,
          firstBadSeq: row.seq,
          eventId: row.eventId,
          reason: "the row's content does not match its hash: it was altered after it was written",
        };
      }
      previousHash = row.hash;
      lastSeq = row.seq;
      rows += 1;
    }
    if (batch.length < batchSize) break;
  }
  return { ok: true, rows, head: rows > 0 || after ? { seq: lastSeq, hash: previousHash } : null };
}
