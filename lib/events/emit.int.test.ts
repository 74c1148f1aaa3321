import { randomUUID } from "node:crypto";

import { eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { getDb, type Transaction } from "../db/client";
import { auditLogs, devMailbox, emailDeliveries, eventHandlerRuns, eventOutbox, providerConnections } from "../db/schema";
import { captureLogs, type LogCapture } from "@/test/support/log-capture";
import { sampleEvents } from "@/test/support/sample-events";
import { createTestUser } from "@/test/support/test-users";
import { createEvent } from "./create-event";
import { dispatchEvent, emitNow, recordEvent, withEvents } from "./emit";
import { auditHandler } from "./handlers/audit-handler";

let user: { id: string; email: string };
let logs: LogCapture;

beforeAll(async () => {
  user = await createTestUser();
});
afterEach(() => logs?.restore());

async function stateOf(eventId: string) {
  const db = await getDb();
  const [outbox] = await db.select().from(eventOutbox).where(eq(eventOutbox.eventId, eventId));
  const runs = await db.select().from(eventHandlerRuns).where(eq(eventHandlerRuns.eventId, eventId));
  const audits = await db.select().from(auditLogs).where(eq(auditLogs.eventId, eventId));
  const emails = await db.select().from(emailDeliveries).where(eq(emailDeliveries.eventId, eventId));
  return { outbox, runs: Object.fromEntries(runs.map((r) => [r.handler, r.status])), audits, emails };
}

describe("emitNow", () => {
  it("records the event, runs logging, audit and email, and marks the outbox processed (all succeeded at once: no run rows)", async () => {
    logs = captureLogs();
    const events = sampleEvents({ userId: user.id }, { ipAddress: "203.0.113.20", userAgent: "curl/8.5" });
    for (const event of events) await emitNow(event);

    for (const event of events) {
      const state = await stateOf(event.eventId);
      const sendsEmail = ["ProviderConnectionSucceeded", "ProviderDisconnectionSucceeded", "ProviderTokenRefreshFailed"].includes(event.type);
      expect(state.outbox?.processedAt, event.type).toBeInstanceOf(Date);
      // Run rows are for what the recovery pass or an admin must look at; this needs neither.
      expect(state.runs).toEqual({});
      expect(state.audits).toHaveLength(1);
      expect(state.emails).toHaveLength(sendsEmail ? 1 : 0);
      expect(logs.lines.filter((l) => l.eventId === event.eventId && l.event === event.type)).toHaveLength(1);
    }
    // No SMTP server configured in this file: the development mailbox got the three emails.
    const db = await getDb();
    const deliveries = await db.select().from(emailDeliveries).where(inArray(emailDeliveries.eventId, events.map((e) => e.eventId)));
    const mail = await db.select().from(devMailbox).where(inArray(devMailbox.messageId, deliveries.map((d) => d.messageId)));
    expect(mail.map((m) => m.subject).sort()).toEqual(["Reconnect Sandbox Bank", "Sandbox Bank connected", "Sandbox Bank disconnected"]);
    expect(mail.every((m) => m.toAddress === user.email)).toBe(true);
  });

  it("dispatching the same event again adds no audit row and sends no second email", async () => {
    const event = createEvent("ProviderConnectionSucceeded", {
      userId: user.id,
      providerId: "sandbox-bank",
      providerSlug: "sandbox-bank",
      connectionId: randomUUID(),
    });
    await emitNow(event);
    await dispatchEvent(event);
    await dispatchEvent(event);
    const state = await stateOf(event.eventId);
    expect(state.audits).toHaveLength(1);
    expect(state.emails).toHaveLength(1);
    expect(state.emails[0]).toMatchObject({ status: "sent", attempts: 1 });
  });
});

describe("the handler runs a dispatch records", () => {
  it("are every run when one failed, and are brought up to date when a later dispatch succeeds", async () => {
    logs = captureLogs();
    const event = createEvent("ProviderConnectionSucceeded", { userId: user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId: randomUUID() });
    await recordEvent(await getDb(), event);
    vi.spyOn(auditHandler, "handle").mockRejectedValueOnce(new Error("audit_logs unreachable"));
    expect(await dispatchEvent(event)).toMatchObject({ processed: false, failed: ["audit"], recorded: true });
    expect((await stateOf(event.eventId)).runs).toEqual({ logging: "succeeded", audit: "retrying", email: "succeeded" });
    vi.restoreAllMocks();

    // A plain dispatch again (what account deletion does with unfinished events): all succeed.
    expect(await dispatchEvent(event)).toMatchObject({ processed: true, recorded: true });
    const state = await stateOf(event.eventId);
    expect(state.runs).toEqual({ logging: "succeeded", audit: "succeeded", email: "succeeded" });
    expect(state.outbox?.processedAt).toBeInstanceOf(Date);
    expect(state.audits).toHaveLength(1);
  });

  it("cannot be recorded for an event missing from the outbox, and the dispatch says so", async () => {
    logs = captureLogs();
    const event = createEvent("ProviderConnectionAttempted", { userId: user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank" });
    expect(await dispatchEvent(event)).toMatchObject({ processed: true, recorded: false });
    expect(logs.lines.find((l) => l.eventId === event.eventId && String(l.msg).startsWith("could not record the event's handler runs"))).toBeDefined();
  });
});

describe("an outcome event recorded in the transaction of its change", () => {
  async function insertConnection(tx: Transaction, id: string) {
    await tx.insert(providerConnections).values({ id, userId: user.id, providerSlug: "sandbox-bank", alias: `alias-${id.slice(0, 8)}`, status: "active" });
  }

  it("is rolled back with it: no outbox row, nothing handled", async () => {
    const db = await getDb();
    const connectionId = randomUUID();
    const event = createEvent("ProviderConnectionSucceeded", { userId: user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId });
    await expect(
      withEvents(async (tx, emit) => {
        await insertConnection(tx, connectionId);
        emit(event);
        throw new Error("token exchange failed after the insert");
      }),
    ).rejects.toThrow("token exchange failed");
    const state = await stateOf(event.eventId);
    expect(state.outbox).toBeUndefined();
    expect(state.audits).toHaveLength(0);
    expect(await db.select().from(providerConnections).where(eq(providerConnections.id, connectionId))).toHaveLength(0);
  });

  it("is written by that transaction: a rollback after the outbox write leaves no outbox row", async () => {
    const db = await getDb();
    const connectionId = randomUUID();
    const event = createEvent("ProviderConnectionSucceeded", { userId: user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId });
    await expect(
      db.transaction(async (tx) => {
        await insertConnection(tx, connectionId);
        await recordEvent(tx, event);
        throw new Error("the commit never happens");
      }),
    ).rejects.toThrow("the commit never happens");
    expect((await stateOf(event.eventId)).outbox).toBeUndefined();
    expect(await db.select().from(providerConnections).where(eq(providerConnections.id, connectionId))).toHaveLength(0);
  });

  it("commits with it, and is handled by dispatchEvent after the commit", async () => {
    const db = await getDb();
    const connectionId = randomUUID();
    const event = createEvent("ProviderConnectionSucceeded", { userId: user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId });
    await db.transaction(async (tx) => {
      await insertConnection(tx, connectionId);
      await recordEvent(tx, event);
    });
    expect((await stateOf(event.eventId)).outbox?.processedAt).toBeNull();
    const result = await dispatchEvent(event);
    expect(result).toMatchObject({ processed: true, failed: [], recorded: true });
    const state = await stateOf(event.eventId);
    expect(state.outbox?.processedAt).toBeInstanceOf(Date);
    expect(state.audits[0]).toMatchObject({ action: "provider_connected", connectionId, userId: user.id, correlationId: event.correlationId });
  });

  it("withEvents commits it with the change and, outside a request, runs the handlers before returning", async () => {
    const connectionId = randomUUID();
    const event = createEvent("ProviderConnectionSucceeded", { userId: user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId });
    const answer = await withEvents(async (tx, emit) => {
      await insertConnection(tx, connectionId);
      emit(event);
      return "done";
    });
    expect(answer).toBe("done");
    const state = await stateOf(event.eventId);
    expect(state.outbox?.processedAt).toBeInstanceOf(Date);
    expect(state.audits[0]).toMatchObject({ action: "provider_connected", connectionId, correlationId: event.correlationId });
  });
});
