/**
 * Opening a run on the admin timeline: only with the pass the recorded view gave that admin for
 * that run, and only while it lasts; then the whole run.
 */
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { appendPastRun } from "@/test/support/append-workflow-run";
import { createTestUser } from "@/test/support/test-users";

import { openRunDetails } from "./open-run-details";
import { recordAuditAccess } from "./record-audit-access";
import { RUN_DETAILS_PASS_HOURS, runDetailsPass } from "./run-details-pass";

describe("opening a run of a recorded view", () => {
  it("gives the run's events to the admin the view gave a pass to, and nothing to anyone else", async () => {
    const admin = await createTestUser();
    const person = await createTestUser();
    const { correlationId, events } = await appendPastRun({
      workflow: "refresh",
      outcome: "failed",
      reason: "provider_revoked",
      userId: person.id,
      providerSlug: "sandbox-bank",
      providerName: "Sandbox Bank",
      connectionId: randomUUID(),
      actor: { type: "system" },
      startedAt: new Date(Date.UTC(2026, 4, 2, 9)),
      durationMs: 800,
    });
    const view = await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters: {}, headers: new Headers() });
    const pass = runDetailsPass({ viewId: view.eventId, adminId: admin.id, correlationId });

    const opened = await openRunDetails({ adminId: admin.id, viewId: view.eventId, correlationId, pass });
    expect(opened.status).toBe("opened");
    if (opened.status !== "opened") return;
    expect(opened.run).toMatchObject({ correlationId, outcome: "failed", reason: "provider_revoked", userEmail: person.email });
    expect(opened.run.events.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));

    const refused = { status: "error", message: "This run cannot be opened from here." };
    const other = await createTestUser();
    expect(await openRunDetails({ adminId: other.id, viewId: view.eventId, correlationId, pass })).toEqual(refused);
    const elsewhere = await appendPastRun({ workflow: "connect", outcome: "succeeded", userId: person.id, providerSlug: "sandbox-bank", providerName: "Sandbox Bank", connectionId: randomUUID(), actor: { type: "user", userId: person.id }, startedAt: new Date(Date.UTC(2026, 4, 2, 10)) });
    expect(await openRunDetails({ adminId: admin.id, viewId: view.eventId, correlationId: elsewhere.correlationId, pass })).toEqual(refused);

    const later = new Date(Date.now() + RUN_DETAILS_PASS_HOURS * 3_600_000 + 60_000);
    expect(await openRunDetails({ adminId: admin.id, viewId: view.eventId, correlationId, pass, now: later })).toMatchObject({ status: "error", message: expect.stringContaining("reload it") });

    const gone = randomUUID();
    expect(await openRunDetails({ adminId: admin.id, viewId: view.eventId, correlationId: gone, pass: runDetailsPass({ viewId: view.eventId, adminId: admin.id, correlationId: gone }) })).toMatchObject({
      status: "error",
      message: "This run is no longer in the audit log.",
    });
  });
});
