/**
 * The `metadata` of each audit action, validated when a row is written and again when it is
 * read (the admin page and the export use `readAuditLog`). Strict objects: an unexpected key,
 * such as a token someone tried to attach, is refused rather than stored.
 */
import { z } from "zod";

import type { AuditLog } from "../db/schema";
import { AUDIT_ACTIONS, WORKFLOWS, type AuditAction } from "../events/event-catalog";

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
  provider_disconnected: z.strictObject(common),
  provider_disconnection_failed: z.strictObject(failure),
  provider_token_refresh_attempted: z.strictObject(common),
  provider_token_refreshed: z.strictObject(common),
  provider_token_refresh_failed: z.strictObject(failure),
} satisfies Record<AuditAction, z.ZodType>;

export type AuditMetadata<A extends AuditAction = AuditAction> = z.infer<(typeof AUDIT_METADATA_SCHEMAS)[A]>;

export function parseAuditMetadata<A extends AuditAction>(action: A, value: unknown): AuditMetadata<A> {
  return AUDIT_METADATA_SCHEMAS[action].parse(value) as AuditMetadata<A>;
}

const auditActionSchema = z.enum(AUDIT_ACTIONS);
const workflowSchema = z.enum(WORKFLOWS);
const actorTypeSchema = z.enum(["user", "system"]);

export type ParsedAuditLog = Omit<AuditLog, "action" | "workflow" | "actorType" | "metadata"> & {
  action: AuditAction;
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
