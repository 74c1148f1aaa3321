/**
 * One audit row for unit tests of the audit log: a user's connection to Acme Bank, succeeded.
 * `sampleAuditContent` holds the columns a row's hash covers; `sampleAuditLog` is the row as
 * the database returns it, chain columns included, with any fields overridden.
 */
import type { AuditLog } from "@/lib/db/schema";

export const sampleAuditContent: Omit<AuditLog, "seq" | "prevHash" | "hash"> = {
  eventId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f",
  eventType: "ProviderConnectionSucceeded",
  action: "provider_connected",
  outcome: "succeeded",
  workflow: "connect",
  actorType: "user",
  actorUserId: "user-1",
  userId: "user-1",
  providerId: "acme-bank",
  providerSlug: "acme-bank",
  connectionId: "0b9a4b0e-6c1e-4a53-9d5e-2f3f3b1b2c4d",
  reason: null,
  needsUserAction: null,
  correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e60",
  ipAddress: "203.0.113.9",
  userAgent: "curl/8.5",
  occurredAt: new Date("2026-11-27T10:00:00.123Z"),
  recordedAt: new Date("2026-11-27T10:00:00.456Z"),
  metadata: { providerName: "Acme Bank", requestId: null },
};

export function sampleAuditLog(overrides: Partial<AuditLog> = {}): AuditLog {
  return { seq: 7, ...sampleAuditContent, prevHash: "0".repeat(64), hash: "1".repeat(64), ...overrides };
}
