import type { AuditEntry } from "../../audit/audit-entry";
import { EVENT_CATALOG } from "../event-catalog";
import type { DomainEvent } from "../events";
import { reasonText } from "../../failure-reasons";

/** Maps an event to its audit row. Pure: the caller supplies the provider's display name and the time. */
export function auditEntryFromEvent(
  event: DomainEvent,
  { providerName, recordedAt }: { providerName: string; recordedAt: Date },
): AuditEntry {
  const info = EVENT_CATALOG[event.type];
  const reason = "reason" in event ? event.reason : null;
  const common = {
    providerName,
    requestId: event.requestId,
    ...("revocationOutcome" in event && event.revocationOutcome ? { revocationOutcome: event.revocationOutcome } : {}),
  };
  return {
    eventId: event.eventId,
    eventType: event.type,
    action: info.auditAction,
    outcome: info.outcome,
    workflow: info.workflow,
    actorType: event.actor.type,
    actorUserId: event.actor.type === "user" ? event.actor.userId : null,
    userId: event.userId,
    providerId: event.providerId,
    providerSlug: event.providerSlug,
    connectionId: "connectionId" in event ? event.connectionId : null,
    reason,
    needsUserAction: "needsUserAction" in event ? event.needsUserAction : null,
    correlationId: event.correlationId,
    ipAddress: event.ipAddress,
    userAgent: event.userAgent,
    occurredAt: new Date(event.occurredAt),
    recordedAt,
    metadata: reason ? { ...common, reasonText: reasonText(reason) } : common,
  };
}
