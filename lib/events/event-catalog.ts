/**
 * What each event means for the rest of the system: its workflow, its outcome and its
 * audit action (DESIGN.md §1). A new event type fails the type-check here until it has
 * an entry, and the registry test until its handlers are declared.
 */
import type { AuditAction, Workflow } from "../audit/audit-actions";
import type { DomainEventType } from "./events";

export type { AuditAction, Workflow };
export type EventOutcome = "attempted" | "succeeded" | "failed";

export interface EventInfo {
  workflow: Workflow;
  outcome: EventOutcome;
  auditAction: AuditAction;
}

export const EVENT_CATALOG = {
  ProviderConnectionAttempted: { workflow: "connect", outcome: "attempted", auditAction: "provider_connection_attempted" },
  ProviderConnectionSucceeded: { workflow: "connect", outcome: "succeeded", auditAction: "provider_connected" },
  ProviderConnectionFailed: { workflow: "connect", outcome: "failed", auditAction: "provider_connection_failed" },
  ProviderDisconnectionAttempted: { workflow: "disconnect", outcome: "attempted", auditAction: "provider_disconnection_attempted" },
  ProviderDisconnectionSucceeded: { workflow: "disconnect", outcome: "succeeded", auditAction: "provider_disconnected" },
  ProviderDisconnectionFailed: { workflow: "disconnect", outcome: "failed", auditAction: "provider_disconnection_failed" },
  ProviderTokenRefreshAttempted: { workflow: "refresh", outcome: "attempted", auditAction: "provider_token_refresh_attempted" },
  ProviderTokenRefreshSucceeded: { workflow: "refresh", outcome: "succeeded", auditAction: "provider_token_refreshed" },
  ProviderTokenRefreshFailed: { workflow: "refresh", outcome: "failed", auditAction: "provider_token_refresh_failed" },
} as const satisfies Record<DomainEventType, EventInfo>;

/** The nine event types, in workflow order. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as DomainEventType[];

