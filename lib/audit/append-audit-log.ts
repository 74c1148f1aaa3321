import { getTableColumns, sql } from "drizzle-orm";

import { getDb, type Executor } from "../db/client";
import { queryPrepared } from "../db/prepared-query";
import { auditLogs } from "../db/schema";
import { groupCommit } from "../db/group-commit";
import { auditHashContent } from "./audit-hash";
import type { AuditEntry } from "./audit-entry";
import { AUDIT_METADATA_SCHEMAS } from "./audit-metadata";

export interface AppendResult {
  /** False when a row for this event already existed (the append is idempotent on eventId). */
  inserted: boolean;
  seq: number | null;
}

/**
 * Appends one row to the hash-chained, append-only `audit_logs`. The database function
 * `audit_logs_append` (drizzle/0002_audit_append_only.sql) takes the chain's advisory lock,
 * reads the last hash and inserts with `hash = sha256(prevHash + "\n" + canonical content)`,
 * so concurrent writers in any number of processes never fork the chain. Concurrent appends
 * from this process share one call (group commit). The metadata is validated against its
 * action's schema first: a bad row is a bug and must not enter the chain.
 *
 * With `executor` (a transaction), the row is appended in it, alone.
 */
export async function appendAuditLog(entry: AuditEntry, executor?: Executor): Promise<AppendResult> {
  const item = toItem(entry);
  const seq = executor ? (await appendAll(executor, [item]))[0]! : await appendGrouped(item);
  return seq === null ? { inserted: false, seq: null } : { inserted: true, seq };
}

interface AppendItem {
  row: Record<string, unknown>;
  content: string;
}

const appendGrouped = groupCommit(async (items: AppendItem[]) => appendAll(await getDb(), items));

async function appendAll(db: Executor, items: AppendItem[]): Promise<(number | null)[]> {
  const [result] = await queryPrepared<{ seqs: unknown[] | null }>(
    db,
    // As JSON: both drivers parse it the same way (bigint[] comes back differently from each).
    sql`select to_jsonb(audit_logs_append(${JSON.stringify(items)}::jsonb)) as seqs`,
  );
  const seqs = result?.seqs ?? [];
  return items.map((_, i) => (seqs[i] === null || seqs[i] === undefined ? null : Number(seqs[i])));
}

const COLUMNS = getTableColumns(auditLogs);

function toItem(entry: AuditEntry): AppendItem {
  const row = { ...entry, metadata: AUDIT_METADATA_SCHEMAS[entry.action].parse(entry.metadata) };
  // Under its column names, as `jsonb_populate_record` reads it.
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    columns[COLUMNS[key as keyof AuditEntry].name] = value instanceof Date ? value.toISOString() : value;
  }
  return { row: columns, content: auditHashContent(row) };
}
