/**
 * The export, streamed. Without filters it is the chain itself: every row in `seq` order up to
 * the head signed when the export began (`exportChainRecords`), so the file can be verified as
 * complete. With filters: a ReadableStream that pulls one keyset page of runs at a time (oldest
 * first) only when the client has taken the previous one, so memory stays flat whatever the
 * log's size and a slow download holds no more than a page. Every event of each matching run
 * is written once: an Attempted row goes out with the first outcome of its run.
 */
import { and, asc, gt, inArray, lte } from "drizzle-orm";

import { getDb, type Executor } from "../../db/client";
import { auditLogs } from "../../db/schema";
import type { ExportFormat } from "../audit-access";
import { findAnchors, type Anchor } from "./audit-anchors";
import type { AuditCursor } from "./audit-cursor";
import { signCheckpoint, type SignedCheckpoint } from "../checkpoints/sign-checkpoint";
import { checkpointLine, CSV_HEADER, csvLine, ndjsonLine, type ExportRecord } from "./audit-export-format";
import type { RunFilter } from "./run-filter";

export const EXPORT_PAGE_SIZE = 1_000;

async function readRuns(db: Executor, correlationIds: string[]) {
  return db.select().from(auditLogs).where(inArray(auditLogs.correlationId, correlationIds)).orderBy(asc(auditLogs.seq));
}
type ExportRow = Awaited<ReturnType<typeof readRuns>>[number];

/** How an export reads: a page of `pageSize` runs or rows at a time, on `db` (the app's database by default). */
interface PageOptions {
  pageSize?: number;
  db?: Executor;
}

async function paging({ pageSize = EXPORT_PAGE_SIZE, db }: PageOptions) {
  return { pageSize, db: db ?? (await getDb()) };
}

/** The records of the runs matching `filter`, one page of runs at a time, oldest run first. */
export async function* exportAuditRecords({ filter, ...options }: { filter: RunFilter } & PageOptions): AsyncGenerator<ExportRecord[]> {
  const { pageSize, db } = await paging(options);
  let cursor: AuditCursor | null = null;
  for (;;) {
    const anchors = await findAnchors(db, { filter, direction: "newer", cursor, limit: pageSize });
    if (anchors.length === 0) return;
    const correlationIds = [...new Set(anchors.map((a) => a.correlationId))];
    yield recordsOf(anchors, await readRuns(db, correlationIds));
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a short page is the last; without this the next query finds none and ends it.
    if (anchors.length < pageSize) return;
    const last = anchors.at(-1)!;
    cursor = { occurredUs: last.occurredUs, seq: last.seq };
  }
}

function recordsOf(anchors: Anchor[], rows: ExportRow[]): ExportRecord[] {
  const byCorrelation = new Map<string, ExportRow[]>();
  for (const row of rows) {
    const list = byCorrelation.get(row.correlationId);
    if (list) list.push(row);
    else byCorrelation.set(row.correlationId, [row]);
  }
  const records: ExportRecord[] = [];
  for (const anchor of anchors) {
    const runRows = byCorrelation.get(anchor.correlationId) ?? [];
    const own = runRows.find((r) => Number(r.seq) === anchor.seq);
    if (!own) continue;
    const firstOutcome = runRows.find((r) => r.outcome !== "attempted");
    // A run is its Attempted row(s) plus its outcome; a second outcome (never expected) goes out alone.
    const rowsOfRun = own.outcome !== "attempted" && firstOutcome === own ? runRows.filter((r) => r.outcome === "attempted" || r === own) : [own];
    for (const row of rowsOfRun) records.push(toRecord(row));
  }
  return records;
}

/** Every row of the chain with `seq` ≤ `upTo`, in `seq` order, a page at a time. */
export async function* exportChainRecords({ upTo, ...options }: { upTo: number } & PageOptions): AsyncGenerator<ExportRecord[]> {
  const { pageSize, db } = await paging(options);
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLogs)
      .where(and(gt(auditLogs.seq, after), lte(auditLogs.seq, upTo)))
      .orderBy(asc(auditLogs.seq))
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows.map(toRecord);
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.seq;
  }
}

function toRecord(row: ExportRow): ExportRecord {
  return {
    eventId: row.eventId,
    correlationId: row.correlationId,
    action: row.action,
    outcome: row.outcome,
    occurredAt: row.occurredAt.toISOString(),
    userId: row.userId,
    providerSlug: row.providerSlug,
    connectionId: row.connectionId,
    reason: row.reason,
    needsUserAction: row.needsUserAction,
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    seq: Number(row.seq),
    eventType: row.eventType,
    workflow: row.workflow,
    actorType: row.actorType,
    actorUserId: row.actorUserId,
    providerId: row.providerId,
    recordedAt: row.recordedAt.toISOString(),
    metadata: row.metadata as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/**
 * The export as a byte stream. `filter: null` (a user filter naming nobody) is an empty file
 * with its header. Pull-based with a one-chunk queue: the next page is read only when the
 * previous one has been handed to the client.
 *
 * With `head` (the checkpoint signed when the export began): without filters (`scope: "full"`)
 * the file is the chain up to that head; an NDJSON file then ends with a checkpoint line signed
 * over its last row (the head itself for a full export).
 */
export function auditExportStream({
  filter,
  format,
  pageSize,
  db,
  onError,
  head,
  scope = "filtered",
}: {
  filter: RunFilter | null;
  format: ExportFormat;
  pageSize?: number;
  db?: Executor;
  onError?: (error: unknown) => void;
  head?: SignedCheckpoint;
  scope?: "full" | "filtered";
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const line = format === "csv" ? csvLine : ndjsonLine;
  const pages =
    head && scope === "full"
      ? exportChainRecords({ upTo: head.seq, pageSize, db })
      : filter
        ? exportAuditRecords({ filter, pageSize, db })
        : null;
  let last: ExportRecord | null = null;
  let closed = false;
  const finalLine = (): string => {
    if (!head || format !== "ndjson") return "";
    if (scope === "full") return checkpointLine({ type: "checkpoint", ...head, scope });
    const signed = last ? signCheckpoint({ seq: last.seq, hash: last.hash, at: new Date() }) : head;
    return checkpointLine({ type: "checkpoint", ...signed, scope });
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (format === "csv") controller.enqueue(encoder.encode(CSV_HEADER));
      },
      async pull(controller) {
        try {
          for (;;) {
            if (closed) return;
            const next = pages ? await pages.next() : { done: true as const, value: undefined };
            if (next.done) {
              closed = true;
              const tail = finalLine();
              if (tail) controller.enqueue(encoder.encode(tail));
              return controller.close();
            }
            if (next.value.length === 0) continue;
            let chunk = "";
            for (const record of next.value) chunk += line(record);
            last = next.value.at(-1)!;
            return controller.enqueue(encoder.encode(chunk));
          }
        } catch (error) {
          onError?.(error);
          // The client sees a broken download rather than a file that looks complete.
          controller.error(error);
        }
      },
      async cancel() {
        await pages?.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
