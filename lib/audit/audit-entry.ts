import type { EventOutcome } from "./audit-actions";
import type { DomainEventType } from "../events/events";
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
