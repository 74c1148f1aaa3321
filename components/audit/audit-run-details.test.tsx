import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import type { AuditRun, AuditRunEvent } from "@/lib/audit/queries/list-audit-runs";

import { AuditRunDetails } from "./audit-run-details";

const at = new Date("2026-03-01T10:00:00Z");

function event(action: string, metadata: Record<string, unknown> | null, seq: number): AuditRunEvent {
  return {
    seq,
    eventId: `00000000-0000-7000-8000-00000000000${seq}`,
    eventType: action,
    action,
    outcome: action === "provider_disconnected" ? "succeeded" : "attempted",
    occurredAt: at,
    recordedAt: at,
    actorType: "user",
    actorUserId: "u1",
    actorEmail: "ada@example.test",
    ipAddress: null,
    userAgent: null,
    reason: null,
    needsUserAction: null,
    metadata,
    rawMetadata: metadata,
  };
}

function disconnectRun(revocationOutcome: string): AuditRun {
  return {
    key: "k",
    cursor: "c",
    correlationId: "11111111-1111-4111-8111-111111111111",
    workflow: "disconnect",
    outcome: "succeeded",
    startedAt: at,
    endedAt: at,
    durationMs: 10,
    reason: null,
    reasonText: null,
    needsUserAction: null,
    userId: "u1",
    userEmail: "ada@example.test",
    actorType: "user",
    actorEmail: "ada@example.test",
    providerSlug: "sandbox-bank",
    providerName: "Sandbox Bank",
    connectionId: "22222222-2222-4222-8222-222222222222",
    ipAddress: null,
    userAgent: null,
    events: [event("provider_disconnection_attempted", {}, 1), event("provider_disconnected", { revocationOutcome }, 2)],
    emails: [],
  };
}

/** The page's text without tags, and without the metadata's raw JSON (the words must be said outside it). */
function words(run: AuditRun): string {
  return renderToStaticMarkup(<AuditRunDetails run={run} timeZone="UTC" />)
    .replace(/<pre[^>]*>[\s\S]*?<\/pre>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");
}

describe("a disconnect run's details", () => {
  it.each([
    ["revoked", "Revocation: access revoked at Sandbox Bank"],
    ["failed", "Revocation failed at Sandbox Bank; the keys were deleted and the user was told to remove access in the bank's settings"],
    ["unsupported", "Revocation: Sandbox Bank offers no revocation"],
    ["no_credentials", "Revocation: nothing to revoke (no access was held)"],
  ])("say the revocation outcome %s in words", (outcome, text) => {
    expect(words(disconnectRun(outcome))).toContain(text);
  });

  it("say nothing about revocation for a run without one", () => {
    const run = disconnectRun("revoked");
    run.events = run.events.slice(0, 1);
    expect(words(run)).not.toContain("Revocation");
  });
});
