/**
 * The `metadata` of each audit action, validated when a row is written and again when it is
 * read (the admin page and the export use `readAuditLog`). Strict objects: an unexpected key,
 * such as a token someone tried to attach, is refused rather than stored.
 */
import { z } from "zod";

import type { AuditLog } from "../db/schema";
import { AUDIT_ACTIONS, WORKFLOWS, type AuditAction, type Workflow } from "./audit-actions";
import { AUDIT_ACCESS_ACTIONS, AUDIT_ACCESS_WORKFLOW, type AuditAccessAction, type AuditAccessWorkflow } from "./audit-access";
import { AUDIT_ACCESS_METADATA_SCHEMAS } from "./audit-access-metadata";

const common = {
  /** The provider's display name when the event happened (providers come and go with configuration). */
  providerName: z.string().min(1).max(200),
  /** The request that caused the event, to find its log lines; null for scheduled work. */
  requestId: z.string().max(200).nullable(),
};
const failure = { ...common, reasonText: z.string().min(1).max(500) };

export const AUDIT_METADATA_SCHEMAS = {
  provider_connection_attempted: z.strictObject(common),
  provider_connected: z.strictObject(common),
  provider_connection_failed: z.strictObject(failure),
  provider_disconnection_attempted: z.strictObject(common),
  provider_disconnected: z.strictObject({
    ...common,
    /** Rows written before the outcome was recorded have none. */
    revocationOutcome: z.enum(["revoked", "unsupported", "failed", "no_credentials"]).optional(),
  }),
  provider_disconnection_failed: z.strictObject(failure),
  provider_token_refresh_attempted: z.strictObject(common),
  provider_token_refreshed: z.strictObject(common),
  provider_token_refresh_failed: z.strictObject(failure),
  // Not domain events: admins reading the log (lib/audit/audit-access.ts).
  ...AUDIT_ACCESS_METADATA_SCHEMAS,
} satisfies Record<RecordedAuditAction, z.ZodType>;

/** Every action an audit row can carry: the nine events' and the audit-access ones. */
export type RecordedAuditAction = AuditAction | AuditAccessAction;
export const RECORDED_AUDIT_ACTIONS = [...AUDIT_ACTIONS, ...AUDIT_ACCESS_ACTIONS] as const;
export type RecordedWorkflow = Workflow | AuditAccessWorkflow;
export const RECORDED_WORKFLOWS = [...WORKFLOWS, AUDIT_ACCESS_WORKFLOW] as const;

export type AuditMetadata<A extends RecordedAuditAction = RecordedAuditAction> = z.infer<(typeof AUDIT_METADATA_SCHEMAS)[A]>;

export function parseAuditMetadata<A extends RecordedAuditAction>(action: A, value: unknown): AuditMetadata<A> {
  return AUDIT_METADATA_SCHEMAS[action].parse(value) as AuditMetadata<A>;
}

const auditActionSchema = z.enum(RECORDED_AUDIT_ACTIONS);
const workflowSchema = z.enum(RECORDED_WORKFLOWS);
const actorTypeSchema = z.enum(["user", "system"]);

export type ParsedAuditLog = Omit<AuditLog, "action" | "workflow" | "actorType" | "metadata"> & {
  action: RecordedAuditAction;
  workflow: z.infer<typeof workflowSchema>;
  actorType: z.infer<typeof actorTypeSchema>;
  metadata: AuditMetadata;
};

/** An `audit_logs` row as read from the database, checked with the same schemas it was written with. */
export function readAuditLog(row: AuditLog): ParsedAuditLog {
  const action = auditActionSchema.parse(row.action);
  return {
    ...row,
    action,
    workflow: workflowSchema.parse(row.workflow),
    actorType: actorTypeSchema.parse(row.actorType),
    metadata: parseAuditMetadata(action, row.metadata),
  };
}
