import { randomUUID } from "node:crypto";

import { eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { getDb } from "../db/client";
import { auditLogs, emailDeliveries, eventHandlerRuns, eventOutbox } from "../db/schema";
import { captureLogs, type LogCapture } from "@/test/support/log-capture";
import { createTestUser } from "@/test/support/test-users";
import { createEvent } from "./create-event";
import { dispatchEvent, recordEvent } from "./emit";
import { recoverEvents } from "./recover-events";
import { auditHandler } from "./handlers/audit-handler";
import { emailHandler } from "./handlers/email-handler";
import { HANDLER_RETRY_POLICY } from "../retry-policy";

let user: { id: string; email: string };
let logs: LogCapture | undefined;

beforeAll(async () => {
  user = await createTestUser();
});
afterEach(() => {
  logs?.restore();
  logs = undefined;
  vi.restoreAllMocks();
});

const HOUR = 3_600_000;
const later = (ms: number) => new Date(Date.now() + ms);

function connectedEvent() {
  return createEvent("ProviderConnectionSucceeded", {
    userId: user.id,
    providerId: "sandbox-bank",
    providerSlug: "sandbox-bank",
    connectionId: randomUUID(),
  });
}

async function stateOf(eventId: string) {
  const db = await getDb();
  const [outbox] = await db.select().from(eventOutbox).where(eq(eventOutbox.eventId, eventId));
  const runs = await db.select().from(eventHandlerRuns).where(eq(eventHandlerRuns.eventId, eventId));
  return {
    outbox,
    runs: Object.fromEntries(runs.map((r) => [r.handler, { status: r.status, attempts: r.attempts, lastError: r.lastError }])),
    audits: await db.select().from(auditLogs).where(eq(auditLogs.eventId, eventId)),
    emails: await db.select().from(emailDeliveries).where(eq(emailDeliveries.eventId, eventId)),
  };
}

// A process that dies right after the commit, or between two handlers, is tested through the
// real use-cases in test/integration/callback-crash-recovery.int.test.ts.

describe("a handler that fails", () => {
  it("is logged with the event id, recorded as retrying, and re-run (alone) by recovery after its backoff", async () => {
    logs = captureLogs();
    vi.spyOn(auditHandler, "handle").mockRejectedValueOnce(new Error("audit_logs unreachable"));
    const event = connectedEvent();
    await recordEvent(await getDb(), event);

    const result = await dispatchEvent(event);
    expect(result).toMatchObject({ processed: false, failed: ["audit"], recorded: true });
    let state = await stateOf(event.eventId);
    expect(state.runs.audit).toEqual({ status: "retrying", attempts: 1, lastError: "Error: audit_logs unreachable" });
    expect(state.runs.email?.status).toBe("succeeded");
    expect(state.audits).toHaveLength(0);
    expect(state.outbox?.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now());
    expect(logs.lines.find((l) => l.handler === "audit")).toMatchObject({ level: 50, eventId: event.eventId });

    // Not yet due: the backoff holds it back.
    await recoverEvents({ olderThanMs: 0 });
    expect((await stateOf(event.eventId)).runs.audit?.attempts).toBe(1);

    const emailRuns = vi.spyOn(emailHandler, "handle");
    const summary = await recoverEvents({ olderThanMs: 0, now: later(HOUR) });
    expect(summary.handlerRetries).toBeGreaterThanOrEqual(1);
    expect(emailRuns).not.toHaveBeenCalledWith(expect.objectContaining({ eventId: event.eventId }));
    state = await stateOf(event.eventId);
    expect(state.runs.audit).toEqual({ status: "succeeded", attempts: 2, lastError: null });
    expect(state.audits).toHaveLength(1);
    expect(state.emails).toHaveLength(1);
    expect(state.outbox?.processedAt).toBeInstanceOf(Date);
  });

  it("is given up after the last attempt: dead, visible, and no longer picked up", async () => {
    logs = captureLogs();
    vi.spyOn(auditHandler, "handle").mockRejectedValue(new Error("permanently broken"));
    const event = connectedEvent();
    await recordEvent(await getDb(), event);
    await dispatchEvent(event);

    let dead = 0;
    for (let attempt = 2; attempt <= HANDLER_RETRY_POLICY.maxAttempts; attempt++) {
      const summary = await recoverEvents({ olderThanMs: 0, now: later(attempt * 2 * HOUR) });
      dead += summary.dead;
    }
    const state = await stateOf(event.eventId);
    expect(state.runs.audit).toMatchObject({ status: "dead", attempts: HANDLER_RETRY_POLICY.maxAttempts });
    expect(state.outbox?.deadAt).toBeInstanceOf(Date);
    expect(state.outbox?.processedAt).toBeNull();
    expect(dead).toBeGreaterThanOrEqual(1);
    expect(logs.lines.some((l) => l.eventId === event.eventId && String(l.msg).includes("marked dead"))).toBe(true);

    const calls = vi.mocked(auditHandler.handle).mock.calls.length;
    await recoverEvents({ olderThanMs: 0, now: later(100 * HOUR) });
    expect(vi.mocked(auditHandler.handle).mock.calls.length).toBe(calls);
  });
});

describe("concurrent recovery passes", () => {
  it("never run the same event twice", async () => {
    const db = await getDb();
    const events = Array.from({ length: 10 }, connectedEvent);
    for (const event of events) await recordEvent(db, event);
    const runs = vi.spyOn(auditHandler, "handle");
    await Promise.all([recoverEvents({ olderThanMs: 0 }), recoverEvents({ olderThanMs: 0 }), recoverEvents({ olderThanMs: 0 })]);
    for (const event of events) {
      expect(runs.mock.calls.filter(([e]) => e.eventId === event.eventId)).toHaveLength(1);
      expect((await stateOf(event.eventId)).audits).toHaveLength(1);
    }
  });
});

describe("events recorded at the same instant", () => {
  it("are delivered to the audit log in the order they were emitted, whatever order their rows were written in", async () => {
    const events = Array.from({ length: 12 }, () => connectedEvent());
    const sameInstant = new Date(Date.now() - HOUR);
    const db = await getDb();
    // Written newest first, all stamped with the same created_at: only the event ids (UUIDv7,
    // increasing within this process) still say which came first.
    await db.insert(eventOutbox).values(
      [...events].reverse().map((event) => ({ eventId: event.eventId, type: event.type, payload: event, createdAt: sameInstant })),
    );

    await recoverEvents({ olderThanMs: 0 });

    const ids = events.map((event) => event.eventId);
    const appended = await db.select({ eventId: auditLogs.eventId }).from(auditLogs).where(inArray(auditLogs.eventId, ids)).orderBy(auditLogs.seq);
    expect(appended.map((row) => row.eventId)).toEqual(ids);
  });
});

describe("what a pass takes, and what it says it did", () => {
  const farAhead = () => later(1_000 * HOUR);
  /** Finishes what earlier tests left, so a pass's summary counts this test's events only. */
  const drain = () => recoverEvents({ olderThanMs: 0, now: farAhead(), limit: 100_000 });

  it("leaves events younger than olderThanMs to the dispatch still running in their request", async () => {
    const event = connectedEvent();
    await recordEvent(await getDb(), event);
    await recoverEvents({ olderThanMs: 60_000 });
    expect((await stateOf(event.eventId)).outbox?.processedAt).toBeNull();
    await recoverEvents({ olderThanMs: 60_000, now: later(61_000) });
    expect((await stateOf(event.eventId)).outbox?.processedAt).toBeInstanceOf(Date);
  });

  it("skips a handler given up on (dead) and re-runs only the unfinished ones", async () => {
    const db = await getDb();
    const event = connectedEvent();
    await recordEvent(db, event);
    await db.insert(eventHandlerRuns).values([
      { eventId: event.eventId, handler: "audit", status: "dead", attempts: 5, lastError: "Error: down", updatedAt: new Date() },
      { eventId: event.eventId, handler: "email", status: "retrying", attempts: 1, lastError: "Error: smtp", nextAttemptAt: new Date(), updatedAt: new Date() },
    ]);
    const audit = vi.spyOn(auditHandler, "handle");
    const email = vi.spyOn(emailHandler, "handle");
    await recoverEvents({ olderThanMs: 0, now: later(HOUR) });
    expect(audit).not.toHaveBeenCalledWith(expect.objectContaining({ eventId: event.eventId }));
    expect(email).toHaveBeenCalledWith(expect.objectContaining({ eventId: event.eventId }));
    expect((await stateOf(event.eventId)).outbox).toMatchObject({ processedAt: null, deadAt: expect.any(Date) });
  });

  it("counts exactly what it did, logs it, and marks an unreadable row dead", async () => {
    await drain();
    logs = captureLogs();
    expect(await recoverEvents({ olderThanMs: 0, now: farAhead() })).toEqual({ dispatched: 0, handlerRetries: 0, emailRetries: 0, dead: 0, emailsSent: 0 });
    expect(logs.lines.filter((l) => l.msg === "event recovery pass")).toEqual([]);

    const db = await getDb();
    for (const event of [connectedEvent(), connectedEvent()]) await recordEvent(db, event);
    const unreadable = randomUUID();
    await db.insert(eventOutbox).values({ eventId: unreadable, type: "ProviderConnectionSucceeded", payload: { type: "NotAnEvent" }, createdAt: new Date(Date.now() - HOUR) });

    const summary = await recoverEvents({ olderThanMs: 0, now: farAhead() });
    // Two events, three handlers each (logging, audit, email); the unreadable row given up.
    expect(summary).toEqual({ dispatched: 2, handlerRetries: 6, emailRetries: 0, dead: 1, emailsSent: 0 });
    expect(logs.lines.filter((l) => l.msg === "event recovery pass")).toEqual([expect.objectContaining(summary)]);
    expect(logs.lines.find((l) => l.msg === "unreadable outbox event; marked dead")).toMatchObject({ level: 50, eventId: unreadable });
    expect((await stateOf(unreadable)).outbox).toMatchObject({ processedAt: null, deadAt: expect.any(Date) });
  });

  it("out of time, gives back the events it claimed so the next pass takes them at once", async () => {
    await drain();
    const db = await getDb();
    const events = [connectedEvent(), connectedEvent()];
    for (const event of events) await recordEvent(db, event);
    const now = later(HOUR);

    expect(await recoverEvents({ olderThanMs: 0, now, deadline: 0 })).toMatchObject({ dispatched: 0 });
    for (const event of events) expect((await stateOf(event.eventId)).outbox).toMatchObject({ processedAt: null, nextAttemptAt: now });

    expect(await recoverEvents({ olderThanMs: 0, now })).toMatchObject({ dispatched: 2 });
  });
});
