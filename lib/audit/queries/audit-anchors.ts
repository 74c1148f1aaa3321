/**
 * One page of run anchors (see ./run-filter.ts) in keyset order: the query behind the
 * timeline, /activity and the export, and the one `npm run bench:audit` measures.
 */
import { asc, desc, sql } from "drizzle-orm";

import type { Executor } from "../../db/client";
import { auditLogs } from "../../db/schema";
import { cursorTimestamp, encodeCursor, type AuditCursor } from "./audit-cursor";
import { runConditions, whereAll, type RunFilter } from "./run-filter";

export interface Anchor {
  seq: number;
  correlationId: string;
  /** Exact occurred_at in microseconds since the epoch: the cursor's first half. */
  occurredUs: string;
}

export interface AnchorQuery {
  filter: RunFilter;
  /** `older`: strictly before the cursor, newest first; `newer`: strictly after it, oldest first. */
  direction: "older" | "newer";
  cursor?: AuditCursor | null;
  limit: number;
  /** Only for the benchmark's comparison with keyset paging. */
  offset?: number;
}

const occurredUs = sql<string>`(extract(epoch from ${auditLogs.occurredAt}) * 1000000)::bigint::text`;

/** The query builder itself (the benchmark EXPLAINs it). */
export function anchorQuery(db: Executor, { filter, direction, cursor, limit, offset }: AnchorQuery) {
  const conditions = runConditions(filter, { anchors: true });
  if (cursor) {
    const at = cursorTimestamp(cursor);
    // A row comparison: one range on the (…, occurred_at, seq) indexes.
    conditions.push(
      direction === "older"
        ? sql`(${auditLogs.occurredAt}, ${auditLogs.seq}) < (${at}::timestamptz, ${cursor.seq}::bigint)`
        : sql`(${auditLogs.occurredAt}, ${auditLogs.seq}) > (${at}::timestamptz, ${cursor.seq}::bigint)`,
    );
  }
  const order = direction === "older" ? [desc(auditLogs.occurredAt), desc(auditLogs.seq)] : [asc(auditLogs.occurredAt), asc(auditLogs.seq)];
  const query = db
    .select({ seq: auditLogs.seq, correlationId: auditLogs.correlationId, occurredUs })
    .from(auditLogs)
    .where(whereAll(conditions))
    .orderBy(...order)
    .limit(limit);
  return offset ? query.offset(offset) : query;
}

export async function findAnchors(db: Executor, query: AnchorQuery): Promise<Anchor[]> {
  const rows = await anchorQuery(db, query);
  return rows.map((r) => ({ seq: Number(r.seq), correlationId: r.correlationId, occurredUs: String(r.occurredUs) }));
}

export function anchorCursor(anchor: Anchor): string {
  return encodeCursor({ occurredUs: anchor.occurredUs, seq: anchor.seq });
}
