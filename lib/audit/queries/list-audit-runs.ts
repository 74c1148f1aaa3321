/**
 * A page of runs for the admin timeline and /activity: the anchors of one keyset page, then
 * every row of those runs, the people they name and the emails they caused — four indexed
 * queries whatever the table's size.
 */
import { asc, inArray } from "drizzle-orm";

import { getDb, type Executor } from "../../db/client";
import { auditLogs, emailDeliveries, users, type AuditLog, type EmailDelivery } from "../../db/schema";
import type { EventOutcome } from "../audit-actions";
import { reasonText } from "../../failure-reasons";
import { providerName } from "../../providers/find-provider";
import { AUDIT_ACCESS_PROVIDER_SLUG } from "../audit-access";
import { readAuditLog, type RecordedAuditAction, type RecordedWorkflow } from "../audit-metadata";
import { decodeCursor } from "./audit-cursor";
import { anchorCursor, findAnchors, type Anchor } from "./audit-anchors";
import type { RunFilter } from "./run-filter";

export interface AuditRunEvent {
  seq: number;
  eventId: string;
  eventType: string;
  action: RecordedAuditAction | string;
  outcome: EventOutcome;
  occurredAt: Date;
  recordedAt: Date;
  actorType: string;
  actorUserId: string | null;
  actorEmail: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  reason: string | null;
  needsUserAction: boolean | null;
  /** Null when the stored metadata no longer fits its action's schema (shown as a warning). */
  metadata: Record<string, unknown> | null;
  rawMetadata: unknown;
}

export interface AuditRunEmail {
  eventId: string;
  template: string;
  subject: string;
  toAddress: string;
  status: EmailDelivery["status"];
  attempts: number;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
  updatedAt: Date;
}

export interface AuditRun {
  /** The anchor's event id: unique per run on a page. */
  key: string;
  cursor: string;
  correlationId: string;
  workflow: RecordedWorkflow | string;
  /** The run's outcome; `attempted` while it has none. */
  outcome: EventOutcome;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  reason: string | null;
  reasonText: string | null;
  needsUserAction: boolean | null;
  userId: string | null;
  userEmail: string | null;
  actorType: string;
  actorEmail: string | null;
  providerSlug: string;
  providerName: string;
  connectionId: string | null;
  /** Where the run was started from (its first row), else its outcome's. */
  ipAddress: string | null;
  userAgent: string | null;
  events: AuditRunEvent[];
  emails: AuditRunEmail[];
}

export interface RunPage {
  runs: AuditRun[];
  /** Cursor for the "Newer" link (runs above this page), or null on the first page. */
  newer: string | null;
  /** Cursor for the "Older" link, or null on the last page. */
  older: string | null;
}

export interface ListRunsInput {
  filter: RunFilter;
  /** Opaque cursors from the URL; an invalid one is treated as absent. */
  older?: string | null;
  newer?: string | null;
  pageSize?: number;
  db?: Executor;
}

export async function listAuditRuns({ filter, older, newer, pageSize = 50, db: given }: ListRunsInput): Promise<RunPage> {
  const db = given ?? (await getDb());
  const olderCursor = decodeCursor(older);
  const newerCursor = olderCursor ? null : decodeCursor(newer);

  let anchors: Anchor[];
  let hasNewer: boolean;
  let hasOlder: boolean;
  if (newerCursor) {
    const found = await findAnchors(db, { filter, direction: "newer", cursor: newerCursor, limit: pageSize + 1 });
    if (found.length <= pageSize) return listAuditRuns({ filter, pageSize, db }); // back at the top: a full first page
    anchors = found.slice(0, pageSize).reverse();
    hasNewer = true;
    hasOlder = true;
  } else {
    const found = await findAnchors(db, { filter, direction: "older", cursor: olderCursor, limit: pageSize + 1 });
    anchors = found.slice(0, pageSize);
    hasOlder = found.length > pageSize;
    hasNewer = olderCursor !== null;
  }
  const runs = await loadRuns(db, anchors);
  return {
    runs,
    newer: hasNewer && anchors[0] ? anchorCursor(anchors[0]) : null,
    older: hasOlder && anchors.at(-1) ? anchorCursor(anchors.at(-1)!) : null,
  };
}

/** Every row, person and email of the anchors' runs, assembled in the anchors' order. */
export async function loadRuns(db: Executor, anchors: Anchor[]): Promise<AuditRun[]> {
  if (anchors.length === 0) return [];
  const correlationIds = [...new Set(anchors.map((a) => a.correlationId))];
  const [rows, emails] = await Promise.all([
    db.select().from(auditLogs).where(inArray(auditLogs.correlationId, correlationIds)).orderBy(asc(auditLogs.seq)),
    db
      .select({
        correlationId: emailDeliveries.correlationId,
        eventId: emailDeliveries.eventId,
        template: emailDeliveries.template,
        subject: emailDeliveries.subject,
        toAddress: emailDeliveries.toAddress,
        status: emailDeliveries.status,
        attempts: emailDeliveries.attempts,
        sentAt: emailDeliveries.sentAt,
        nextAttemptAt: emailDeliveries.nextAttemptAt,
        updatedAt: emailDeliveries.updatedAt,
      })
      .from(emailDeliveries)
      .where(inArray(emailDeliveries.correlationId, correlationIds))
      .orderBy(asc(emailDeliveries.createdAt)),
  ]);
  const personIds = [...new Set(rows.flatMap((r) => [r.userId, r.actorUserId]).filter((id): id is string => !!id))];
  const people = personIds.length
    ? await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, personIds))
    : [];
  const emailOf = new Map(people.map((p) => [p.id, p.email]));

  const byCorrelation = groupBy(rows, (r) => r.correlationId);
  const emailsByCorrelation = groupBy(emails, (e) => e.correlationId ?? "");
  return anchors.flatMap((anchor) => {
    const runRows = byCorrelation.get(anchor.correlationId) ?? [];
    const last = runRows.find((r) => Number(r.seq) === anchor.seq);
    if (!last) return []; // cannot happen: the anchor is one of the rows
    const first = runRows.find((r) => r.outcome === "attempted") ?? last;
    const ended = last.outcome !== "attempted";
    const metadata = safeMetadata(last);
    return [
      {
        key: last.eventId,
        cursor: anchorCursor(anchor),
        correlationId: anchor.correlationId,
        workflow: last.workflow,
        outcome: last.outcome,
        startedAt: first.occurredAt,
        endedAt: ended ? last.occurredAt : null,
        durationMs: ended && first !== last ? last.occurredAt.getTime() - first.occurredAt.getTime() : null,
        reason: last.reason,
        reasonText: last.reason ? reasonText(last.reason) : null,
        needsUserAction: last.needsUserAction,
        userId: last.userId,
        userEmail: last.userId ? (emailOf.get(last.userId) ?? null) : null,
        actorType: first.actorType,
        actorEmail: first.actorUserId ? (emailOf.get(first.actorUserId) ?? null) : null,
        providerSlug: last.providerSlug,
        providerName: displayProviderName(last.providerSlug, metadata),
        connectionId: last.connectionId ?? runRows.find((r) => r.connectionId)?.connectionId ?? null,
        ipAddress: first.ipAddress ?? last.ipAddress,
        userAgent: first.userAgent ?? last.userAgent,
        events: runRows.map((r) => toEvent(r, emailOf)),
        emails: (emailsByCorrelation.get(anchor.correlationId) ?? []).map(({ correlationId: _c, ...email }) => email),
      },
    ];
  });
}

function toEvent(row: AuditLog, emailOf: Map<string, string>): AuditRunEvent {
  return {
    seq: Number(row.seq),
    eventId: row.eventId,
    eventType: row.eventType,
    action: row.action,
    outcome: row.outcome,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    actorType: row.actorType,
    actorUserId: row.actorUserId,
    actorEmail: row.actorUserId ? (emailOf.get(row.actorUserId) ?? null) : null,
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    reason: row.reason,
    needsUserAction: row.needsUserAction,
    metadata: safeMetadata(row),
    rawMetadata: row.metadata,
  };
}

/** Rows are checked on read with the schema they were written with; a misfit is shown, not trusted. */
function safeMetadata(row: AuditLog): Record<string, unknown> | null {
  try {
    return readAuditLog(row).metadata as Record<string, unknown>;
  } catch {
    return null;
  }
}

function displayProviderName(slug: string, metadata: Record<string, unknown> | null): string {
  if (slug === AUDIT_ACCESS_PROVIDER_SLUG) return "Ledgerlink";
  const recorded = metadata?.providerName;
  return typeof recorded === "string" ? recorded : providerName(slug);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
