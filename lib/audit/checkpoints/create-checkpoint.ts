import { desc } from "drizzle-orm";

import { getDb, type Executor } from "../../db/client";
import { auditCheckpoints, auditLogs } from "../../db/schema";
import { getLogger } from "../../logger";
import { checkNewestCheckpoint } from "../chain-status";
import { GENESIS_HASH } from "../offline-verifier.mjs";
import { signCheckpoint, type SignedCheckpoint } from "./sign-checkpoint";

/**
 * Signs the chain's current head, keeps it in `audit_checkpoints` and writes it to the log as
 * one structured line (`auditCheckpoint`): the log is the copy outside the database that a
 * later `npm run audit:verify -- --checkpoint '<json>'` checks the table against. Made by every
 * sweep and every export. An empty log is checkpointed as seq 0 with the genesis hash.
 *
 * A checkpoint never vouches for a tampered table: when the newest stored checkpoint no longer
 * holds (its row was deleted, or carries another hash), the new one is still signed and logged
 * (an export's file needs its line, and the log line says `newestCheckpointBroken`), but it is
 * not stored, so the badge keeps reporting the broken checkpoint instead of trusting a head
 * signed after the tampering. Once the cause is explained (say, a restore from a backup lost
 * the newest rows), the owner role removes the stale checkpoints and the next one is stored.
 */
export async function createAuditCheckpoint({
  reason,
  executor,
  now = new Date(),
}: {
  reason: "sweep" | "export" | "manual";
  executor?: Executor;
  now?: Date;
}): Promise<SignedCheckpoint> {
  const db = executor ?? (await getDb());
  const [head] = await db.select({ seq: auditLogs.seq, hash: auditLogs.hash }).from(auditLogs).orderBy(desc(auditLogs.seq)).limit(1);
  const checkpoint = signCheckpoint({ seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH, at: now });
  const newest = await checkNewestCheckpoint(db);
  if (newest.status === "broken") {
    getLogger().error(
      { auditCheckpoint: { type: "checkpoint", ...checkpoint }, reason, newestCheckpointBroken: newest.reason },
      "audit checkpoint signed but not stored: the newest stored checkpoint does not hold",
    );
    return checkpoint;
  }
  await db.insert(auditCheckpoints).values({ ...checkpoint, at: now });
  getLogger().info({ auditCheckpoint: { type: "checkpoint", ...checkpoint }, reason }, "audit checkpoint");
  return checkpoint;
}

/** The newest stored checkpoint, or null before the first one. */
export async function latestAuditCheckpoint(executor?: Executor): Promise<SignedCheckpoint | null> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  return row ? { seq: row.seq, hash: row.hash, at: row.at.toISOString(), keyId: row.keyId, signature: row.signature } : null;
}

/** For the sweep: a checkpoint that cannot be made is logged, never a reason for the sweep to fail. */
export async function checkpointAfterSweep(): Promise<SignedCheckpoint | null> {
  try {
    return await createAuditCheckpoint({ reason: "sweep" });
  } catch (error) {
    getLogger().error({ err: error }, "audit checkpoint failed");
    return null;
  }
}
