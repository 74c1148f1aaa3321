/**
 * What each event means for the rest of the system: its workflow, its outcome and its
 * audit action (DESIGN.md §1). A new event type fails the type-check here until it has
 * an entry, and the registry test until its handlers are declared.
 */
import { AUDIT_ACTION_GRID, type AuditAction, type EventOutcome, type Workflow } from "../audit/audit-actions";
import type { DomainEventType } from "./events";

export type { AuditAction, EventOutcome, Workflow };

export interface EventInfo {
  workflow: Workflow;
  outcome: EventOutcome;
  auditAction: AuditAction;
}

const info = <W extends Workflow, O extends EventOutcome>(workflow: W, outcome: O) =>
  ({ workflow, outcome, auditAction: AUDIT_ACTION_GRID[workflow][outcome] }) as const;

export const EVENT_CATALOG = {
  ProviderConnectionAttempted: info("connect", "attempted"),
  ProviderConnectionSucceeded: info("connect", "succeeded"),
  ProviderConnectionFailed: info("connect", "failed"),
  ProviderDisconnectionAttempted: info("disconnect", "attempted"),
  ProviderDisconnectionSucceeded: info("disconnect", "succeeded"),
  ProviderDisconnectionFailed: info("disconnect", "failed"),
  ProviderTokenRefreshAttempted: info("refresh", "attempted"),
  ProviderTokenRefreshSucceeded: info("refresh", "succeeded"),
  ProviderTokenRefreshFailed: info("refresh", "failed"),
} as const satisfies Record<DomainEventType, EventInfo>;

/** The nine event types, in workflow order. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as DomainEventType[];

