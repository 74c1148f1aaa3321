import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { auditLogs } from "../db/schema";
import { computeAuditHash, GENESIS_HASH } from "./audit-hash";
import type { AuditEntry } from "./audit-entry";
import { AUDIT_METADATA_SCHEMAS } from "./audit-metadata";

/**
 * Key of the transaction-scoped advisory lock that serialises appends: "read the last hash,
 * insert the next row" must not interleave between writers, or two rows would share a
 * `prevHash` and the chain would fork. Any number of processes share it through Postgres.
 */
export const AUDIT_CHAIN_LOCK_KEY = 7_310_400_117;

export interface AppendResult {
  /** False when a row for this event already existed (the append is idempotent on eventId). */
  inserted: boolean;
  seq: number | null;
}

/**
 * Appends one row to the hash-chained, append-only `audit_logs`. Validates the metadata
 * against its action's schema first (a bad row is a bug; it must not enter the chain).
 * Each append is its own short transaction; the lock is released at commit.
 */
export async function appendAuditLog(entry: AuditEntry, executor?: Executor): Promise<AppendResult> {
  const metadata = AUDIT_METADATA_SCHEMAS[entry.action].parse(entry.metadata);
  const db = executor ?? (await getDb());
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`);
    // A new statement after the lock: under READ COMMITTED it sees the previous holder's row.
    const [state] = await queryRows<{ last_hash: string | null; present: boolean }>(
      tx,
      sql`select (select hash from audit_logs order by seq desc limit 1) as last_hash,
                 exists (select 1 from audit_logs where event_id = ${entry.eventId}::uuid) as present`,
    );
    if (state?.present) return { inserted: false, seq: null };
    const row = { ...entry, metadata };
    const prevHash = state?.last_hash ?? GENESIS_HASH;
    const hash = computeAuditHash(prevHash, row);
    const [inserted] = await tx
      .insert(auditLogs)
      .values({ ...row, prevHash, hash })
      .returning({ seq: auditLogs.seq });
    return { inserted: true, seq: inserted?.seq ?? null };
  });
}
