import type { Executor } from "../db/client";
import { uuidv7 } from "../db/uuid-v7";
import { getLogger } from "../logger";
import { contextFromHeaders } from "../request-context";
import { appendAuditLog, type AppendResult } from "./append-audit-log";
import {
  AUDIT_ACCESS_EVENT_TYPES,
  AUDIT_ACCESS_PROVIDER_SLUG,
  AUDIT_ACCESS_WORKFLOW,
  type AuditAccessAction,
  type ExportFormat,
} from "./audit-access";
import type { AuditFilters } from "./queries/audit-filters";

export type AuditAccess =
  | { action: "audit_log_viewed" }
  | { action: "audit_log_exported"; format: ExportFormat; filename: string };

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

function clean(value: string | null, max: number): string | null {
  const cleaned = value?.replace(CONTROL_CHARACTERS, "").trim().slice(0, max);
  return cleaned ? cleaned : null;
}

/**
 * Records that an admin viewed or exported the audit log: one row in the hash-chained trail
 * through the same writer as the events (workflow `admin`, its own correlation id), with who,
 * from where, and which filters. Written before the data is shown or sent, so a failure to
 * record is a failure to serve.
 */
export async function recordAuditAccess({
  access,
  adminId,
  filters,
  timeZone,
  headers,
  now = new Date(),
  executor,
}: {
  access: AuditAccess;
  adminId: string;
  filters: AuditFilters;
  /** The zone the day filters are days in; recorded with them (a day means nothing without it). */
  timeZone?: string;
  headers: Headers;
  now?: Date;
  executor?: Executor;
}): Promise<AppendResult & { eventId: string }> {
  const zone = filters.from || filters.to ? { timeZone: timeZone ?? "UTC" } : {};
  const details =
    access.action === "audit_log_viewed" ? { filters, ...zone } : { filters, ...zone, format: access.format, filename: access.filename };
  const result = await recordAdminAccess({ action: access.action, adminId, headers, details, now, executor });
  getLogger().info(
    { action: access.action, adminId, filters, eventId: result.eventId },
    access.action === "audit_log_viewed" ? "audit log viewed" : "audit log exported",
  );
  return result;
}

/**
 * One audit row for an admin's access (the audit log, the operations page): who, from where,
 * the request id and `details`, with its own correlation id.
 */
export async function recordAdminAccess({
  action,
  adminId,
  headers,
  details,
  now = new Date(),
  executor,
}: {
  action: AuditAccessAction;
  adminId: string;
  headers: Headers;
  details: Record<string, unknown>;
  now?: Date;
  executor?: Executor;
}): Promise<AppendResult & { eventId: string }> {
  const context = contextFromHeaders(headers);
  const eventId = uuidv7(now.getTime());
  const result = await appendAuditLog(
    {
      eventId,
      eventType: AUDIT_ACCESS_EVENT_TYPES[action],
      action,
      outcome: "succeeded",
      workflow: AUDIT_ACCESS_WORKFLOW,
      actorType: "user",
      actorUserId: adminId,
      userId: adminId,
      providerId: AUDIT_ACCESS_PROVIDER_SLUG,
      providerSlug: AUDIT_ACCESS_PROVIDER_SLUG,
      connectionId: null,
      reason: null,
      needsUserAction: null,
      correlationId: eventId,
      ipAddress: clean(context.ipAddress, 100),
      userAgent: clean(context.userAgent, 1000),
      occurredAt: now,
      recordedAt: now,
      metadata: { requestId: clean(context.requestId, 200), ...details },
    },
    executor,
  );
  return { ...result, eventId };
}
