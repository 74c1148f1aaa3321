/** The audit actions of the nine events and their workflows (docs/DESIGN.md §1); lib/events/event-catalog.ts maps each event to one. */
export const WORKFLOWS = ["connect", "disconnect", "refresh"] as const;
export type Workflow = (typeof WORKFLOWS)[number];

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
