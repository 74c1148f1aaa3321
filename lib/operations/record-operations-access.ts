import "server-only";

import { appendAuditLog } from "../audit/append-audit-log";
import { AUDIT_ACCESS_EVENT_TYPES, AUDIT_ACCESS_PROVIDER_SLUG, AUDIT_ACCESS_WORKFLOW } from "../audit/audit-access";
import { uuidv7 } from "../db/uuid-v7";
import { contextFromHeaders } from "../request-context";

export type OperationsAccess = { action: "operations_viewed" } | { action: "operation_retried"; target: string; result: string };

/** An admin looked at /admin/operations or re-queued work: one row in the audit trail, like reading the log. */
export async function recordOperationsAccess({ access, adminId, headers }: { access: OperationsAccess; adminId: string; headers: Headers }) {
  const context = contextFromHeaders(headers);
  const now = new Date();
  const eventId = uuidv7(now.getTime());
  const requestId = context.requestId.slice(0, 200);
  await appendAuditLog({
    eventId,
    eventType: AUDIT_ACCESS_EVENT_TYPES[access.action],
    action: access.action,
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
    ipAddress: context.ipAddress?.slice(0, 100) ?? null,
    userAgent: context.userAgent?.slice(0, 1000) ?? null,
    occurredAt: now,
    recordedAt: now,
    metadata:
      access.action === "operations_viewed"
        ? { requestId }
        : { requestId, target: access.target.slice(0, 300), result: access.result.slice(0, 300) },
  });
}
