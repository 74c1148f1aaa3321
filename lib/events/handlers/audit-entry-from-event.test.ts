import { describe, expect, it } from "vitest";

import { sampleEvents } from "@/test/support/sample-events";
import { createEvent } from "../create-event";
import { auditEntryFromEvent } from "./audit-entry-from-event";
import { AUDIT_METADATA_SCHEMAS, parseAuditMetadata } from "../../audit/audit-metadata";

const recordedAt = new Date("2026-11-27T10:00:01Z");

describe("audit rows from events", () => {
  const events = sampleEvents(
    { userId: "owner-1", providerSlug: "acme-bank" },
    { actor: { type: "user", userId: "owner-1" }, ipAddress: "203.0.113.9", userAgent: "curl/8.5" },
  );

  it("record action, outcome, workflow, actor, target, reason, correlation id, IP, user agent and time", () => {
    const entries = events.map((event) => auditEntryFromEvent(event, { providerName: "Acme Bank", recordedAt }));
    expect(entries.map((e) => [e.action, e.outcome, e.workflow])).toEqual([
      ["provider_connection_attempted", "attempted", "connect"],
      ["provider_connected", "succeeded", "connect"],
      ["provider_connection_failed", "failed", "connect"],
      ["provider_disconnection_attempted", "attempted", "disconnect"],
      ["provider_disconnected", "succeeded", "disconnect"],
      ["provider_disconnection_failed", "failed", "disconnect"],
      ["provider_token_refresh_attempted", "attempted", "refresh"],
      ["provider_token_refreshed", "succeeded", "refresh"],
      ["provider_token_refresh_failed", "failed", "refresh"],
    ]);
    entries.forEach((entry, i) => {
      const event = events[i]!;
      expect(entry).toMatchObject({
        eventId: event.eventId,
        eventType: event.type,
        actorType: "user",
        actorUserId: "owner-1",
        userId: "owner-1",
        providerId: "acme-bank",
        providerSlug: "acme-bank",
        correlationId: event.correlationId,
        ipAddress: "203.0.113.9",
        userAgent: "curl/8.5",
        occurredAt: new Date(event.occurredAt),
        recordedAt,
      });
      expect(AUDIT_METADATA_SCHEMAS[entry.action].safeParse(entry.metadata).success).toBe(true);
    });
    expect(entries[0]!.connectionId).toBeNull();
    expect(entries[1]!.connectionId).toBe(events[1]!.connectionId);
    expect(entries[2]).toMatchObject({ reason: "user_cancelled", needsUserAction: null });
    expect(entries[8]).toMatchObject({ reason: "refresh_token_expired", needsUserAction: true });
    expect(entries[8]!.metadata).toEqual({ providerName: "Acme Bank", requestId: null, reasonText: expect.any(String) });
  });

  it("metadata schemas refuse unknown keys (a token cannot ride along)", () => {
    expect(() => parseAuditMetadata("provider_connected", { providerName: "Acme Bank", requestId: null, accessToken: "x" })).toThrow();
    expect(() => parseAuditMetadata("provider_connection_failed", { providerName: "Acme Bank", requestId: null })).toThrow();
  });
});

describe("the audit row's actor", () => {
  it("is null for a scheduled (system) event, whoever owns the connection", () => {
    const [event] = sampleEvents({ userId: "owner-1" });
    expect(auditEntryFromEvent(event, { providerName: "Acme Bank", recordedAt })).toMatchObject({
      actorType: "system",
      actorUserId: null,
      userId: "owner-1",
    });
  });
});

describe("a disconnection's audit row", () => {
  const target = { userId: "owner-1", providerId: "acme-bank", providerSlug: "acme-bank", connectionId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" };

  it("says what became of the grant at the bank when the event says it, and carries no such key when it does not", () => {
    const revoked = auditEntryFromEvent(createEvent("ProviderDisconnectionSucceeded", { ...target, revocationOutcome: "revoked" }), { providerName: "Acme Bank", recordedAt });
    expect(revoked.metadata).toStrictEqual({ providerName: "Acme Bank", requestId: null, revocationOutcome: "revoked" });
    const silent = auditEntryFromEvent(createEvent("ProviderDisconnectionSucceeded", target), { providerName: "Acme Bank", recordedAt });
    expect(silent.metadata).toStrictEqual({ providerName: "Acme Bank", requestId: null });
  });
});
