/**
 * The integrity line of /admin/audit. Walking the whole chain re-hashes every row (about a
 * second per ten thousand rows), too much for every view of a large log, so each process keeps
 * the head it last verified: a view within FULL_WALK_MS checks only the rows appended since
 * (they must chain onto that head), and a full walk from the first row runs again after that.
 * A broken chain is never cached: every view re-checks until it verifies.
 *
 * The cache is only a shortcut, never state: a new serverless instance starts with a full walk.
 */
import type { Executor } from "../db/client";
import { verifyAuditChain, type AuditChainVerification } from "./verify-chain";

export const FULL_WALK_MS = 10 * 60_000;

export type ChainStatus = AuditChainVerification & {
  checkedAt: Date;
  /** Rows verified in all (a continued walk adds to the last full one). */
  totalRows: number;
  /** When the last walk from the first row finished. */
  fullWalkAt: Date;
};

interface Verified {
  head: { seq: number; hash: string } | null;
  totalRows: number;
  fullWalkAt: Date;
}

const globalForChain = globalThis as typeof globalThis & { __ledgerlinkChainHead?: Verified };

export async function auditChainStatus({ now = new Date(), executor }: { now?: Date; executor?: Executor } = {}): Promise<ChainStatus> {
  const cached = globalForChain.__ledgerlinkChainHead;
  const continuing = cached?.head && now.getTime() - cached.fullWalkAt.getTime() < FULL_WALK_MS ? cached : undefined;
  const result = await verifyAuditChain({ executor, after: continuing?.head ?? undefined });
  const fullWalkAt = continuing ? continuing.fullWalkAt : now;
  const totalRows = (continuing?.totalRows ?? 0) + result.rows;
  if (result.ok) globalForChain.__ledgerlinkChainHead = { head: result.head, totalRows, fullWalkAt };
  else globalForChain.__ledgerlinkChainHead = undefined;
  return { ...result, checkedAt: now, totalRows, fullWalkAt };
}

/** Forget the verified head (tests; and after a tamper drill). */
export function forgetAuditChainStatus(): void {
  globalForChain.__ledgerlinkChainHead = undefined;
}
