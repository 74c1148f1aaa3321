/**
 * The integrity line of /admin/audit, saying exactly what was checked and when.
 *
 * - A full walk re-hashes every row from the first; each process keeps the head it verified
 *   and, until fullWalkMs() (AUDIT_FULL_WALK_SECONDS) after that walk ended, a view re-hashes
 *   only the rows appended since (they must chain onto that head, and the head row must still
 *   carry its hash).
 * - One full walk at a time per process: views that need one while it runs wait for that walk
 *   instead of starting their own. When the next full walk is due and a verified head exists,
 *   a caller that can run work in the background (the page, through `after()`) starts it
 *   there and checks the appended rows now; the line says the walk is under way. A view never
 *   waits for a due walk then, only for the first one (no verified head yet).
 * - Every view also checks the newest signed checkpoint (`audit_checkpoints`) against the live
 *   table: its signature, and that the row it names still exists with that hash. A deleted
 *   tail or a history rewritten with recomputed hashes shows here, whatever the cache holds.
 * - A broken result is never cached: every view re-checks until it verifies (a background
 *   walk that finds a break clears the head, so the next view walks in full itself).
 *
 * The cache is only a shortcut, never state: a new serverless instance starts with a full walk.
 */
import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { env } from "../env";
import { latestAuditCheckpoint } from "./checkpoints/create-checkpoint";
import { checkCheckpointSignature, type SignedCheckpoint } from "./checkpoints/sign-checkpoint";
import { verifyAuditChain, type AuditChainVerification } from "./verify-chain";

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
  /**
   * Rows appended since that walk, each re-hashed onto the verified head by the first view after
   * it was appended, the newest by this one (`at`); null when this view walked in full.
   */
  appended: Walked | null;
  /** Rows verified in all. */
  totalRows: number;
  checkpoint: CheckpointCheck;
  /**
   * The next full walk, when it was due and this view did not wait for it: running since
   * `startedAt`, or (null) starting once this view is done.
   */
  nextFullWalk: { startedAt: Date | null } | null;
}

export type ChainStatus =
  | (Common & { ok: true; head: { seq: number; hash: string } | null })
  | (Common & { ok: false; firstBadSeq: number; eventId: string | null; reason: string });

interface Verified {
  head: { seq: number; hash: string } | null;
  full: Walked;
  /** When that full walk ended: the next one is due fullWalkMs() later. */
  fullEndedAt: Date;
  totalRows: number;
  /** The first row appended after that walk that a later view re-hashed. */
  appendedFromSeq: number | null;
}

interface FullWalk {
  startedAt: Date;
  done: Promise<{ result: AuditChainVerification; walked: Walked }>;
}

const globalForChain = globalThis as typeof globalThis & { __ledgerlinkChainHead?: Verified; __ledgerlinkFullWalk?: FullWalk };

/** The shared full walk: the one running, else a new one. Its result replaces the cached head. */
function sharedFullWalk(db: Executor, now: Date): FullWalk {
  const running = globalForChain.__ledgerlinkFullWalk;
  if (running) return running;
  const started = performance.now();
  const walk: FullWalk = {
    startedAt: now,
    // Stryker disable next-line ObjectLiteral: a shared walk is only ever given the default database, which verifyAuditChain uses when given none.
    done: verifyAuditChain({ executor: db })
      .then((result) => {
        const walked: Walked = { rows: result.rows, fromSeq: result.ok ? result.fromSeq : null, toSeq: result.ok ? (result.head?.seq ?? null) : null, at: now };
        globalForChain.__ledgerlinkChainHead = result.ok
          ? { head: result.head, full: walked, fullEndedAt: new Date(now.getTime() + (performance.now() - started)), totalRows: result.rows, appendedFromSeq: null }
          : undefined;
        return { result, walked };
      })
      .finally(() => {
        if (globalForChain.__ledgerlinkFullWalk === walk) globalForChain.__ledgerlinkFullWalk = undefined;
      }),
  };
  globalForChain.__ledgerlinkFullWalk = walk;
  return walk;
}

function isFresh(cached: Verified | undefined, now: Date): cached is Verified & { head: NonNullable<Verified["head"]> } {
  return !!cached?.head && now.getTime() - cached.fullEndedAt.getTime() < fullWalkMs();
}

export async function auditChainStatus({
  now = new Date(),
  executor,
  inBackground,
}: {
  now?: Date;
  /** A transaction (tests): this call walks on its own, in it, sharing nothing. */
  executor?: Executor;
  /**
   * Runs a task after the response (the page passes Next's `after`). With it, a full walk
   * that falls due while a verified head exists runs there, and this view checks the rows
   * appended since that head instead of waiting for it.
   */
  inBackground?: (task: () => Promise<unknown>) => void;
} = {}): Promise<ChainStatus> {
  const started = performance.now();
  const db = executor ?? (await getDb());
  // AUDIT_FULL_WALK_SECONDS=0 (the end-to-end suite): every view walks in full, alone.
  const shared = !executor && fullWalkMs() > 0;
  const cached = globalForChain.__ledgerlinkChainHead;
  let continuing = isFresh(cached, now) ? cached : undefined;
  let nextFullWalk: Common["nextFullWalk"] = null;
  if (!continuing && shared && cached?.head && inBackground) {
    continuing = cached as Verified & { head: NonNullable<Verified["head"]> };
    nextFullWalk = { startedAt: globalForChain.__ledgerlinkFullWalk?.startedAt ?? null };
    inBackground(async () => {
      // On this view's clock (`now` may be given), moved on by the time since it began.
      const at = new Date(now.getTime() + (performance.now() - started));
      // Another view's task, or a walk that ended meanwhile, may have done it already.
      if (globalForChain.__ledgerlinkFullWalk || isFresh(globalForChain.__ledgerlinkChainHead, at)) return;
      await sharedFullWalk(await getDb(), at).done;
    });
  }

  let result: AuditChainVerification;
  let walked: Walked;
  if (continuing) {
    result = await verifyAuditChain({ executor: db, after: continuing.head });
    walked = { rows: result.rows, fromSeq: result.ok ? result.fromSeq : null, toSeq: result.ok ? (result.head?.seq ?? null) : null, at: now };
  } else if (shared) {
    ({ result, walked } = await sharedFullWalk(db, now).done);
  } else {
    result = await verifyAuditChain({ executor: db });
    walked = { rows: result.rows, fromSeq: result.ok ? result.fromSeq : null, toSeq: result.ok ? (result.head?.seq ?? null) : null, at: now };
  }
  const checkpoint = await checkNewestCheckpoint(db);

  if (!result.ok) {
    globalForChain.__ledgerlinkChainHead = undefined;
    return { ok: false, firstBadSeq: result.firstBadSeq, eventId: result.eventId, reason: result.reason, checkedAt: now, full: continuing?.full ?? null, appended: null, totalRows: (continuing?.totalRows ?? 0) + result.rows, checkpoint, nextFullWalk: null };
  }
  const full = continuing ? continuing.full : walked;
  const totalRows = (continuing?.totalRows ?? 0) + result.rows;
  const appendedFromSeq = continuing ? (continuing.appendedFromSeq ?? (result.rows > 0 ? result.fromSeq : null)) : null;
  const appended: Walked | null = continuing
    ? { rows: totalRows - continuing.full.rows, fromSeq: appendedFromSeq, toSeq: appendedFromSeq === null ? null : (result.head?.seq ?? null), at: now }
    : null;
  const common: Common = { checkedAt: now, full, appended, totalRows, checkpoint, nextFullWalk };
  if (checkpoint.status === "broken") {
    globalForChain.__ledgerlinkChainHead = undefined;
    return { ...common, ok: false, firstBadSeq: checkpoint.firstBadSeq, eventId: null, reason: checkpoint.reason };
  }
  if (continuing) {
    // Only onto the head this view continued from: a full walk that ended meanwhile stays.
    if (globalForChain.__ledgerlinkChainHead === continuing) globalForChain.__ledgerlinkChainHead = { ...continuing, head: result.head, totalRows, appendedFromSeq };
  } else if (!shared) {
    globalForChain.__ledgerlinkChainHead = { head: result.head, full, fullEndedAt: new Date(now.getTime() + (performance.now() - started)), totalRows, appendedFromSeq: null };
  }
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
  globalForChain.__ledgerlinkFullWalk = undefined;
}
