/**
 * Issue 15's server actions as the browser calls them, with the request (session, headers,
 * cookies) stood in for: the admin-only retries of /admin/operations (and their audit rows),
 * the handler-run retry, the browser's unrecognised time zone, and signing out.
 */
import { randomUUID } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { idleState } from "@/lib/actions/action-state";
import { getDb } from "@/lib/db/client";
import { auditLogs, emailDeliveries, eventHandlerRuns, eventOutbox, sessionEvents, sessions, users } from "@/lib/db/schema";
import { createEvent } from "@/lib/events/create-event";
import { dispatchEvent, recordEvent } from "@/lib/events/emit";
import { auditHandler } from "@/lib/events/handlers/audit-handler";
import { retryAllFailed, retryHandlerRun } from "@/lib/operations/retry-work";
import { recordSignOut } from "@/lib/auth/with-session-devices";
import { UNRECOGNISED_ZONE_COOKIE } from "@/lib/time-zone";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const request = vi.hoisted(() => ({
  user: null as null | { id: string; email: string; isAdmin: boolean; timeZone: string | null },
  cookies: new Map<string, string>(),
}));

vi.mock("@/lib/auth/auth", () => ({
  auth: async () => (request.user ? { user: request.user, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "Vitest", "x-forwarded-for": "203.0.113.9" }),
  cookies: async () => ({
    get: (name: string) => (request.cookies.has(name) ? { name, value: request.cookies.get(name)! } : undefined),
    set: (name: string, value: string) => void request.cookies.set(name, value),
    delete: (name: string) => void request.cookies.delete(name),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { retryOperation } = await import("@/app/admin/operations/actions");
const { signOutEverywhereElse, updateTimeZone } = await import("@/app/(app)/settings/actions");

const smtp = withSmtpCapture();
beforeEach(() => {
  request.user = null;
  request.cookies.clear();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

async function failedEmail(user: { id: string; email: string }) {
  const row = {
    id: randomUUID(),
    eventId: randomUUID(),
    template: "test",
    userId: user.id,
    toAddress: user.email,
    subject: `Operations test ${randomUUID()}`,
    messageId: `<${randomUUID()}@test>`,
    html: "<p>hi</p>",
    text: "hi",
    status: "failed" as const,
    attempts: 6,
  };
  await (await getDb()).insert(emailDeliveries).values(row);
  return row;
}

/** An event whose audit handler ran out of attempts: the run `dead`, the outbox row given up. */
async function deadAuditRun() {
  const user = await createTestUser();
  const event = createEvent("ProviderConnectionSucceeded", {
    userId: user.id,
    providerId: "sandbox-bank",
    providerSlug: "sandbox-bank",
    connectionId: randomUUID(),
  });
  const db = await getDb();
  await recordEvent(db, event);
  vi.spyOn(auditHandler, "handle").mockRejectedValueOnce(new Error("audit_logs unreachable"));
  await dispatchEvent(event);
  const far = new Date(Date.now() + 365 * 24 * 3_600_000);
  await db
    .update(eventHandlerRuns)
    .set({ status: "dead", nextAttemptAt: null })
    .where(and(eq(eventHandlerRuns.eventId, event.eventId), eq(eventHandlerRuns.handler, "audit")));
  await db.update(eventOutbox).set({ deadAt: new Date(), nextAttemptAt: far }).where(eq(eventOutbox.eventId, event.eventId));
  vi.restoreAllMocks();
  return event;
}

async function auditRowsOf(eventId: string) {
  return (await getDb()).select({ seq: auditLogs.seq }).from(auditLogs).where(eq(auditLogs.eventId, eventId));
}

async function runStatus(eventId: string) {
  const [run] = await (await getDb())
    .select({ status: eventHandlerRuns.status })
    .from(eventHandlerRuns)
    .where(and(eq(eventHandlerRuns.eventId, eventId), eq(eventHandlerRuns.handler, "audit")));
  return run?.status;
}

async function retriedRows(adminId: string, target: string) {
  return (await getDb())
    .select({ result: sql<string>`${auditLogs.metadata}->>'result'` })
    .from(auditLogs)
    .where(and(eq(auditLogs.action, "operation_retried"), eq(auditLogs.userId, adminId), sql`${auditLogs.metadata}->>'target' = ${target}`));
}

describe("operations retries", () => {
  test("a dead handler run is re-queued and delivered once; retrying it again says it already finished", async () => {
    const event = await deadAuditRun();
    expect(await auditRowsOf(event.eventId)).toHaveLength(0);
    expect(await retryHandlerRun({ eventId: event.eventId, handler: "audit" })).toMatchObject({ status: "requeued" });
    expect(await runStatus(event.eventId)).toBe("succeeded");
    expect(await auditRowsOf(event.eventId)).toHaveLength(1);
    expect(await retryHandlerRun({ eventId: event.eventId, handler: "audit" })).toEqual({
      status: "already_done",
      message: "That handler already finished; nothing was done.",
    });
    expect(await auditRowsOf(event.eventId)).toHaveLength(1);
  });

  test("Retry all failed sends the failed emails and re-runs the dead handler runs, each once", async () => {
    const user = await createTestUser();
    const email = await failedEmail(user);
    const event = await deadAuditRun();
    const outcome = await retryAllFailed();
    expect(outcome.status).toBe("requeued");
    expect(outcome.message).toMatch(/^Retried \d+ emails \(\d+ sent\) and \d+ handler runs\./);
    const [row] = await (await getDb()).select({ status: emailDeliveries.status }).from(emailDeliveries).where(eq(emailDeliveries.id, email.id));
    expect(row!.status).toBe("sent");
    await expect.poll(() => smtp.capture().messages.filter((m) => m.subject === email.subject).length).toBe(1);
    expect(await runStatus(event.eventId)).toBe("succeeded");
    expect(await auditRowsOf(event.eventId)).toHaveLength(1);

    await retryAllFailed();
    expect(smtp.capture().messages.filter((m) => m.subject === email.subject)).toHaveLength(1);
    expect(await auditRowsOf(event.eventId)).toHaveLength(1);
  });

  test("a non-admin calling the retry action gets a 404, and nothing is sent or written", async () => {
    const user = await createTestUser();
    const email = await failedEmail(user);
    request.user = { id: user.id, email: user.email, isAdmin: false, timeZone: null };
    await expect(retryOperation(idleState, form({ kind: "email", id: email.id }))).rejects.toMatchObject({
      digest: expect.stringContaining("404"),
    });
    await expect(retryOperation(idleState, form({ kind: "all" }))).rejects.toMatchObject({ digest: expect.stringContaining("404") });
    const [row] = await (await getDb()).select({ status: emailDeliveries.status }).from(emailDeliveries).where(eq(emailDeliveries.id, email.id));
    expect(row!.status).toBe("failed");
    expect(smtp.capture().messages.filter((m) => m.subject === email.subject)).toHaveLength(0);
    expect(await retriedRows(user.id, `email:${email.id}`)).toHaveLength(0);
    expect(await retriedRows(user.id, "all")).toHaveLength(0);

    // The same call by an admin: sent, and one audit row for this admin and this email.
    const admin = await createTestUser();
    request.user = { id: admin.id, email: admin.email, isAdmin: true, timeZone: null };
    expect(await retryOperation(idleState, form({ kind: "email", id: email.id }))).toMatchObject({ status: "success" });
    expect(await retriedRows(admin.id, `email:${email.id}`)).toEqual([{ result: "sent" }]);
  });
});

describe("the browser's time zone", () => {
  test("an unrecognised zone stores nothing, is remembered for /settings and answered; a known one clears it", async () => {
    const user = await createTestUser();
    request.user = { id: user.id, email: user.email, isAdmin: false, timeZone: null };
    const answer = await updateTimeZone(idleState, form({ timeZone: "Mars/Olympus_Mons" }));
    expect(answer).toMatchObject({ status: "error", message: expect.stringContaining("Mars/Olympus_Mons") });
    expect(request.cookies.get(UNRECOGNISED_ZONE_COOKIE)).toBe("Mars/Olympus_Mons");
    const db = await getDb();
    const stored = async () => (await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, user.id)))[0]!.timeZone;
    expect(await stored()).toBeNull();

    expect(await updateTimeZone(idleState, form({ timeZone: "Asia/Tokyo" }))).toMatchObject({ status: "success" });
    expect(await stored()).toBe("Asia/Tokyo");
    expect(request.cookies.has(UNRECOGNISED_ZONE_COOKIE)).toBe(false);
  });
});

describe("signing out", () => {
  async function addSession(userId: string) {
    const token = randomUUID();
    await (await getDb()).insert(sessions).values({ sessionToken: token, userId, expires: new Date(Date.now() + 86_400_000) });
    return token;
  }
  const tokensOf = async (userId: string) =>
    (await (await getDb()).select({ token: sessions.sessionToken }).from(sessions).where(eq(sessions.userId, userId))).map((r) => r.token);
  const kindsOf = async (userId: string) =>
    (await (await getDb()).select({ kind: sessionEvents.kind }).from(sessionEvents).where(eq(sessionEvents.userId, userId))).map((r) => r.kind);

  test("Sign out everywhere else ends every other session of this user only, keeps this one, and is recorded", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser();
    const current = await addSession(user.id);
    await addSession(user.id);
    await addSession(user.id);
    const strangers = await addSession(stranger.id);
    request.user = { id: user.id, email: user.email, isAdmin: false, timeZone: null };
    request.cookies.set("authjs.session-token", current);

    expect(await signOutEverywhereElse(idleState, form({}))).toEqual({ status: "success", message: "Signed out of 2 other devices." });
    expect(await tokensOf(user.id)).toEqual([current]);
    expect(await tokensOf(stranger.id)).toEqual([strangers]);
    expect(await kindsOf(user.id)).toEqual(["signed_out_elsewhere"]);
    expect(await signOutEverywhereElse(idleState, form({}))).toEqual({ status: "success", message: "No other device was signed in." });
    expect(await kindsOf(user.id)).toEqual(["signed_out_elsewhere"]);
  });

  test("Auth.js's sign-out event is recorded in the person's activity", async () => {
    const user = await createTestUser();
    const token = await addSession(user.id);
    await recordSignOut({ session: { sessionToken: token, userId: user.id, expires: new Date() } });
    expect(await kindsOf(user.id)).toEqual(["signed_out"]);
  });
});
