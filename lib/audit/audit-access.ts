/**
 * Reading the audit log is itself audited: each view of /admin/audit and each export is a row
 * in the same hash-chained trail (who, when, which filters). These are not domain events —
 * the nine of DESIGN.md §1 stay nine, with no outbox and no handlers — so they have their own
 * workflow, `admin`, and a provider slug naming Ledgerlink itself (the columns are NOT NULL).
 */
export const AUDIT_ACCESS_WORKFLOW = "admin";
export type AuditAccessWorkflow = typeof AUDIT_ACCESS_WORKFLOW;

/** Stands in for a provider on rows about Ledgerlink itself. */
export const AUDIT_ACCESS_PROVIDER_SLUG = "ledgerlink";

export const AUDIT_ACCESS_ACTIONS = ["audit_log_viewed", "audit_log_exported", "operations_viewed", "operation_retried"] as const;
export type AuditAccessAction = (typeof AUDIT_ACCESS_ACTIONS)[number];

/** The `event_type` of each access row (not a DomainEventType: nothing dispatches these). */
export const AUDIT_ACCESS_EVENT_TYPES = {
  audit_log_viewed: "AuditLogViewed",
  audit_log_exported: "AuditLogExported",
  // /admin/operations (lib/operations): looking at stuck work, and re-queuing it.
  operations_viewed: "OperationsViewed",
  operation_retried: "OperationRetried",
} as const satisfies Record<AuditAccessAction, string>;
export type AuditAccessEventType = (typeof AUDIT_ACCESS_EVENT_TYPES)[AuditAccessAction];

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
