/**
 * The integrity line of /admin/audit, saying exactly what was checked and when.
 *
 * - A full walk re-hashes every row from the first; each process keeps the head it verified
 *   and, within fullWalkMs() (AUDIT_FULL_WALK_SECONDS), a view re-hashes only the rows appended since (they must chain
 *   onto that head, and the head row must still carry its hash).
 * - Every view also checks the newest signed checkpoint (`audit_checkpoints`) against the live
 *   table: its signature, and that the row it names still exists with that hash. A deleted
 *   tail or a history rewritten with recomputed hashes shows here, whatever the cache holds.
 * - A broken result is never cached: every view re-checks until it verifies.
 *
 * The cache is only a shortcut, never state: a new serverless instance starts with a full walk.
 */
import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { env } from "../env";
import { latestAuditCheckpoint } from "./checkpoints/create-checkpoint";
import { checkCheckpointSignature, type SignedCheckpoint } from "./checkpoints/sign-checkpoint";
import { verifyAuditChain } from "./verify-chain";

/** How long a full walk's head is trusted before the next view walks from the first row again. */
export function fullWalkMs(): number {
  return env.AUDIT_FULL_WALK_SECONDS * 1000;
}

interface Walked {
  rows: number;
  fromSeq: number | null;
  toSeq: number | null;
  at: Date;
}

export type CheckpointCheck =
  | { status: "none" }
  | { status: "matches"; checkpoint: SignedCheckpoint }
  | { status: "broken"; checkpoint: SignedCheckpoint; firstBadSeq: number; reason: string };

interface Common {
  checkedAt: Date;
  /** The last walk from the first row that verified (this view's, or the cached one). */
  full: Walked | null;
  /** Rows appended since that walk, re-hashed by this view (null when this view walked in full). */
  appended: Walked | null;
  /** Rows verified in all. */
  totalRows: number;
  checkpoint: CheckpointCheck;
}

export type ChainStatus =
  | (Common & { ok: true; head: { seq: number; hash: string } | null })
  | (Common & { ok: false; firstBadSeq: number; eventId: string | null; reason: string });

interface Verified {
  head: { seq: number; hash: string } | null;
  full: Walked;
  totalRows: number;
}

const globalForChain = globalThis as typeof globalThis & { __ledgerlinkChainHead?: Verified };

export async function auditChainStatus({ now = new Date(), executor }: { now?: Date; executor?: Executor } = {}): Promise<ChainStatus> {
  const db = executor ?? (await getDb());
  const cached = globalForChain.__ledgerlinkChainHead;
  const continuing = cached?.head && now.getTime() - cached.full.at.getTime() < fullWalkMs() ? cached : undefined;
  const result = await verifyAuditChain({ executor: db, after: continuing?.head ?? undefined });
  const checkpoint = await checkNewestCheckpoint(db);

  if (!result.ok) {
    globalForChain.__ledgerlinkChainHead = undefined;
    return { ok: false, firstBadSeq: result.firstBadSeq, eventId: result.eventId, reason: result.reason, checkedAt: now, full: continuing?.full ?? null, appended: null, totalRows: (continuing?.totalRows ?? 0) + result.rows, checkpoint };
  }
  const walked: Walked = { rows: result.rows, fromSeq: result.fromSeq, toSeq: result.head?.seq ?? null, at: now };
  const full = continuing ? continuing.full : walked;
  const totalRows = (continuing?.totalRows ?? 0) + result.rows;
  const common: Common = { checkedAt: now, full, appended: continuing ? walked : null, totalRows, checkpoint };
  if (checkpoint.status === "broken") {
    globalForChain.__ledgerlinkChainHead = undefined;
    return { ...common, ok: false, firstBadSeq: checkpoint.firstBadSeq, eventId: null, reason: checkpoint.reason };
  }
  globalForChain.__ledgerlinkChainHead = { head: result.head, full, totalRows };
  return { ...common, ok: true, head: result.head };
}

/** The newest checkpoint against the live table: trusted signature, row present, same hash. */
export async function checkNewestCheckpoint(db: Executor): Promise<CheckpointCheck> {
  const checkpoint = await latestAuditCheckpoint(db);
  if (!checkpoint) return { status: "none" };
  const signature = checkCheckpointSignature(checkpoint);
  if (!signature.ok) {
    return { status: "broken", checkpoint, firstBadSeq: checkpoint.seq, reason: `the newest checkpoint (row #${checkpoint.seq}, ${checkpoint.at}) is ${signature.problem}` };
  }
  if (checkpoint.seq === 0) return { status: "matches", checkpoint };
  const [row] = await queryRows<{ hash: string | null; last: number | null }>(
    db,
    sql`select (select hash from audit_logs where seq = ${checkpoint.seq}) as hash, (select max(seq)::float8 from audit_logs) as last`,
  );
  if (row?.hash === null || row?.hash === undefined) {
    const last = row?.last ?? 0;
    return last < checkpoint.seq
      ? { status: "broken", checkpoint, firstBadSeq: last + 1, reason: `rows #${last + 1}–#${checkpoint.seq} are missing: the log ends before the checkpoint signed at ${checkpoint.at} (the newest rows were deleted)` }
      : { status: "broken", checkpoint, firstBadSeq: checkpoint.seq, reason: `row #${checkpoint.seq}, signed at ${checkpoint.at}, is missing` };
  }
  if (row.hash !== checkpoint.hash) {
    return { status: "broken", checkpoint, firstBadSeq: checkpoint.seq, reason: `row #${checkpoint.seq}'s hash is not the one signed at ${checkpoint.at}: the history up to it was rewritten` };
  }
  return { status: "matches", checkpoint };
}

/** Forget the verified head (tests; and after a tamper drill). */
export function forgetAuditChainStatus(): void {
  globalForChain.__ledgerlinkChainHead = undefined;
}
