import { sql } from "drizzle-orm";

import { computeAuditHash, GENESIS_HASH } from "@/lib/audit/audit-hash";
import { getDb, queryRows, type Transaction } from "@/lib/db/client";

/** What only the table's owner (or a superuser) can do: change audit rows with the append-only triggers switched off. */
export async function tamperWithAuditLog(statement: ReturnType<typeof sql>): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_logs disable trigger user`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_logs enable trigger user`);
  });
}

class RolledBack extends Error {}

/**
 * Tampers as the owner in a transaction, runs `check` inside it (seeing the tampered table), then
 * rolls everything back: the shared test database is never left altered, whatever `check` asserts.
 */
export async function whileTampered<T>(tamper: (tx: Transaction) => Promise<void>, check: (tx: Transaction) => Promise<T>): Promise<T> {
  const db = await getDb();
  let result: T | undefined;
  await db
    .transaction(async (tx) => {
      await tx.execute(sql`alter table audit_logs disable trigger user`);
      await tamper(tx);
      await tx.execute(sql`alter table audit_logs enable trigger user`);
      result = await check(tx);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return result as T;
}

/** What an owner who knows the format would do after forging a row: recompute every hash with plain SHA-256. */
export async function rehashWholeChain(tx: Transaction): Promise<void> {
  const rows = await queryRows<Record<string, unknown> & { seq: number }>(
    tx,
    sql`select seq::float8 as seq, event_id::text as "eventId", event_type as "eventType", action, outcome::text as outcome, workflow,
      actor_type as "actorType", actor_user_id as "actorUserId", user_id as "userId", provider_id as "providerId",
      provider_slug as "providerSlug", connection_id::text as "connectionId", reason, needs_user_action as "needsUserAction",
      correlation_id::text as "correlationId", ip_address as "ipAddress", user_agent as "userAgent", occurred_at as "occurredAt",
      recorded_at as "recordedAt", metadata from audit_logs order by audit_logs.seq`,
  );
  let prev = GENESIS_HASH;
  for (const row of rows) {
    const hash = computeAuditHash(prev, row as never);
    await tx.execute(sql`update audit_logs set prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`);
    prev = hash;
  }
}
