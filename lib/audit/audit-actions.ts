/**
 * The audit actions of the nine events (docs/DESIGN.md §1): each workflow has an attempt and
 * its two outcomes, and each of those one action. lib/events/event-catalog.ts gives every
 * event its workflow and outcome, and reads its action from here.
 */
export const AUDIT_ACTION_GRID = {
  connect: { attempted: "provider_connection_attempted", succeeded: "provider_connected", failed: "provider_connection_failed" },
  disconnect: { attempted: "provider_disconnection_attempted", succeeded: "provider_disconnected", failed: "provider_disconnection_failed" },
  refresh: { attempted: "provider_token_refresh_attempted", succeeded: "provider_token_refreshed", failed: "provider_token_refresh_failed" },
} as const;

export type Workflow = keyof typeof AUDIT_ACTION_GRID;
export type EventOutcome = keyof (typeof AUDIT_ACTION_GRID)[Workflow];
export type AuditAction = (typeof AUDIT_ACTION_GRID)[Workflow][EventOutcome];

export const WORKFLOWS = Object.keys(AUDIT_ACTION_GRID) as Workflow[];
/** The nine actions, workflow by workflow, each attempt before its outcomes. */
export const AUDIT_ACTIONS: AuditAction[] = WORKFLOWS.flatMap((workflow) => Object.values(AUDIT_ACTION_GRID[workflow]));
