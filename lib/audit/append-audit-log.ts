import { getTableColumns, sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";
import { auditLogs } from "../db/schema";
import { auditHashContent } from "./audit-hash";
import type { AuditEntry } from "./audit-entry";
import { AUDIT_METADATA_SCHEMAS } from "./audit-metadata";

export interface AppendResult {
  /** False when a row for this event already existed (the append is idempotent on eventId). */
  inserted: boolean;
  seq: number | null;
}

/**
 * Appends one row to the hash-chained, append-only `audit_logs`, in one round trip: the
 * database function `audit_logs_append` (drizzle/0002_audit_append_only.sql) takes the
 * chain's advisory lock, reads the last hash and inserts the row with
 * `hash = sha256(prevHash + "\n" + canonical content)`, so concurrent writers in any number
 * of processes never fork the chain. The metadata is validated against its action's schema
 * first: a bad row is a bug and must not enter the chain.
 */
export async function appendAuditLog(entry: AuditEntry, executor?: Executor): Promise<AppendResult> {
  const row = { ...entry, metadata: AUDIT_METADATA_SCHEMAS[entry.action].parse(entry.metadata) };
  const db = executor ?? (await getDb());
  const [result] = await queryRows<{ seq: string | number | null }>(
    db,
    sql`select audit_logs_append(${JSON.stringify(toColumns(row))}::jsonb, ${auditHashContent(row)}) as seq`,
  );
  const seq = result?.seq ?? null;
  return seq === null ? { inserted: false, seq: null } : { inserted: true, seq: Number(seq) };
}

const COLUMNS = getTableColumns(auditLogs);

/** The row under its column names, as `jsonb_populate_record` reads it. */
function toColumns(row: AuditEntry): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    columns[COLUMNS[key as keyof AuditEntry].name] = value instanceof Date ? value.toISOString() : value;
  }
  return columns;
}
