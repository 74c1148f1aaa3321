import type { DomainEventType } from "../events/events";
import { EVENT_CATALOG, type EventOutcome } from "../events/event-catalog";
import type { DomainEvent } from "../events/events";
import { reasonText } from "../events/reasons";
import type { AuditAccessEventType } from "./audit-access";
import type { AuditMetadata, RecordedAuditAction, RecordedWorkflow } from "./audit-metadata";

/** One audit row before the chain fields (`seq`, `prevHash`, `hash`) are added. */
export interface AuditEntry {
  eventId: string;
  /** One of the nine events, or an audit-access row (lib/audit/audit-access.ts). */
  eventType: DomainEventType | AuditAccessEventType;
  action: RecordedAuditAction;
  outcome: EventOutcome;
  workflow: RecordedWorkflow;
  actorType: "user" | "system";
  actorUserId: string | null;
  /** The person the event is about: the connection's owner (also for scheduled refreshes). */
  userId: string | null;
  providerId: string;
  providerSlug: string;
  connectionId: string | null;
  reason: string | null;
  needsUserAction: boolean | null;
  correlationId: string;
  ipAddress: string | null;
  userAgent: string | null;
  occurredAt: Date;
  recordedAt: Date;
  metadata: AuditMetadata;
}

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
