/**
 * What each event means for the rest of the system: its workflow, its outcome and its
 * audit action (DESIGN.md §1). A new event type fails the type-check here until it has
 * an entry, and the registry test until its handlers are declared.
 */
import type { DomainEventType } from "./events";

export const WORKFLOWS = ["connect", "disconnect", "refresh"] as const;
export type Workflow = (typeof WORKFLOWS)[number];
export type EventOutcome = "attempted" | "succeeded" | "failed";

export const AUDIT_ACTIONS = [
  "provider_connection_attempted",
  "provider_connected",
  "provider_connection_failed",
  "provider_disconnection_attempted",
  "provider_disconnected",
  "provider_disconnection_failed",
  "provider_token_refresh_attempted",
  "provider_token_refreshed",
  "provider_token_refresh_failed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

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

export function isDomainEventType(value: string): value is DomainEventType {
  return Object.hasOwn(EVENT_CATALOG, value);
}
