import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { getDb } from "../../db/client";
import { emailDeliveries, users } from "../../db/schema";
import { messageIdDomain } from "../../email/send-email";
import { env } from "../../env";
import { listStuckWork } from "../../operations/list-stuck-work";
import { EMAIL_RETRY_POLICY } from "../../retry-policy";
import { captureLogs, type LogCapture } from "@/test/support/log-capture";
import type { SmtpCapture } from "@/test/support/smtp-capture";
import { createTestUser } from "@/test/support/test-users";
import { useSmtpCapture } from "@/test/support/use-smtp-capture";
import { createEvent } from "../create-event";
import { dispatchEvent, emitNow } from "../emit";
import { recoverEvents } from "../recover-events";

let smtp: SmtpCapture;
let restoreSmtp: () => Promise<void>;
let user: { id: string; email: string };
let logs: LogCapture;

beforeAll(async () => {
  ({ capture: smtp, restore: restoreSmtp } = await useSmtpCapture());
  user = await createTestUser();
});
afterAll(async () => {
  await restoreSmtp();
});
afterEach(() => logs.restore());
beforeEach(async () => {
  logs = captureLogs();
  if (!smtp.running) await smtp.start();
  smtp.refuse = false;
  smtp.clear();
});

const MINUTE = 60_000;
const later = (ms: number) => new Date(Date.now() + ms);

function connection(overrides: { userId?: string } = {}) {
  return { userId: overrides.userId ?? user.id, providerId: "sandbox-bank", providerSlug: "sandbox-bank", connectionId: randomUUID() };
}

async function deliveryOf(eventId: string) {
  const db = await getDb();
  return db.select().from(emailDeliveries).where(eq(emailDeliveries.eventId, eventId));
}

describe("the email handler, against a real SMTP server", () => {
  it("sends the connected email: HTML and text, to the owner, with a deterministic Message-ID and the correlation id", async () => {
    const event = createEvent("ProviderConnectionSucceeded", connection(), {
      ipAddress: "203.0.113.30",
      userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      actor: { type: "user", userId: user.id },
    });
    await emitNow(event);
    const [mail] = await smtp.waitFor(1);

    expect(mail).toMatchObject({ subject: "Sandbox Bank connected", to: [user.email] });
    expect(mail!.messageId).toBe(`<${event.eventId}.provider-connected@${messageIdDomain()}>`);
    expect(mail!.headers["x-ledgerlink-correlation-id"]).toBe(event.correlationId);
    expect(mail!.headers["auto-submitted"]).toBe("auto-generated");
    expect(mail!.html).toContain("Sandbox Bank connected");
    expect(mail!.text).toContain("IP address: 203.0.113.30");
    expect(mail!.text).toContain("Device: Safari on macOS");
    expect(mail!.text).toContain(`${env.APP_URL}/activity`);
    expect(await deliveryOf(event.eventId)).toMatchObject([{ status: "sent", attempts: 1, via: "smtp", template: "provider-connected" }]);
  });

  it("writes the time in the recipient's stored zone, named; a recipient without one reads UTC", async () => {
    const inNewYork = await createTestUser();
    const db = await getDb();
    await db.update(users).set({ timeZone: "America/New_York" }).where(eq(users.id, inNewYork.id));
    const event = createEvent("ProviderConnectionSucceeded", connection({ userId: inNewYork.id }));
    await emitNow(event);
    await emitNow(createEvent("ProviderDisconnectionSucceeded", connection()));
    const [zoned, utc] = [smtp.messages.find((m) => m.to.includes(inNewYork.email))!, smtp.messages.find((m) => m.to.includes(user.email))!];

    const local = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" })
      .formatToParts(new Date(event.occurredAt))
      .reduce<Record<string, string>>((parts, part) => ({ ...parts, [part.type]: part.value }), {});
    expect(zoned.text).toContain(` at ${local.hour}:${local.minute} ${local.timeZoneName} (America/New_York)`);
    expect(zoned.text).toMatch(/When: \w+ \d+ \w+ \d{4} at \d{2}:\d{2} E[SD]T \(America\/New_York\)/);
    expect(utc.text).toMatch(/When: \w+ \d+ \w+ \d{4} at \d{2}:\d{2} UTC\n/);
  });

  it("sends disconnected and reconnect-needed emails, and nothing for a refresh failure that fixes itself", async () => {
    await emitNow(createEvent("ProviderDisconnectionSucceeded", connection()));
    await emitNow(createEvent("ProviderTokenRefreshFailed", { ...connection(), reason: "provider_revoked", needsUserAction: true }));
    await emitNow(createEvent("ProviderTokenRefreshFailed", { ...connection(), reason: "network_error", needsUserAction: false }));
    await emitNow(createEvent("ProviderTokenRefreshSucceeded", connection()));
    // Barrier, not a sleep: each emitNow returned after its handlers, and the capture stores a
    // message before it answers the sender, so every email these events cause is already here.
    const mails = smtp.messages;
    expect(smtp.messages.map((m) => m.subject).sort()).toEqual(["Reconnect Sandbox Bank", "Sandbox Bank disconnected"]);
    const reconnect = mails.find((m) => m.subject.startsWith("Reconnect"))!;
    expect(reconnect.text).toContain("The provider withdrew Ledgerlink's access.");
    expect(reconnect.html).toContain(`href="${env.APP_URL}/connections"`);
  });

  it("is idempotent: dispatching and recovering again never sends the same email twice", async () => {
    const event = createEvent("ProviderConnectionSucceeded", connection());
    await emitNow(event);
    await dispatchEvent(event);
    await recoverEvents({ olderThanMs: 0, now: later(24 * 60 * MINUTE) });
    await dispatchEvent(event);
    // Every run above was awaited (a send completes only after the capture stored it): count now.
    expect(smtp.messages.filter((m) => m.messageId?.includes(event.eventId))).toHaveLength(1);
    expect(await deliveryOf(event.eventId)).toHaveLength(1);
  });

  it("retries with backoff while the SMTP server is down, then delivers exactly one email when it is back", async () => {
    await smtp.stop();
    const event = createEvent("ProviderDisconnectionSucceeded", connection());
    const started = Date.now();
    const result = await emitNow(event).then(() => dispatchEvent(event));
    // No retry sleeps in the request: the first failure is recorded, not waited out.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.failed).not.toContain("email");
    let [delivery] = await deliveryOf(event.eventId);
    expect(delivery).toMatchObject({ status: "retrying", attempts: 1 });
    expect(delivery!.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(logs.lines.find((l) => l.eventId === event.eventId && l.msg === "email not sent; it will be retried")).toMatchObject({
      level: 40,
      correlationId: event.correlationId,
      attempts: 1,
    });
    const firstRetryAt = delivery!.nextAttemptAt!.getTime();
    expect(firstRetryAt).toBeGreaterThanOrEqual(Date.now() + EMAIL_RETRY_POLICY.baseDelayMs - 5_000);

    // Not due yet: nothing is tried.
    expect((await recoverEvents({ olderThanMs: 0 })).emailRetries).toBe(0);

    // Due, server still down: a second failure, a longer wait.
    await recoverEvents({ olderThanMs: 0, now: later(2 * MINUTE) });
    [delivery] = await deliveryOf(event.eventId);
    expect(delivery).toMatchObject({ status: "retrying", attempts: 2 });
    expect(delivery!.nextAttemptAt!.getTime() - (Date.now() + 2 * MINUTE)).toBeGreaterThanOrEqual(2 * MINUTE - 5_000);

    await smtp.start();
    const summary = await recoverEvents({ olderThanMs: 0, now: later(10 * MINUTE) });
    expect(summary.emailsSent).toBeGreaterThanOrEqual(1);
    await smtp.waitFor(1);
    await recoverEvents({ olderThanMs: 0, now: later(60 * MINUTE) });
    await dispatchEvent(event);
    // Barrier as above: the recovery pass and the dispatch were awaited.
    expect(smtp.messages.filter((m) => m.messageId === `<${event.eventId}.provider-disconnected@${messageIdDomain()}>`)).toHaveLength(1);
    expect(await deliveryOf(event.eventId)).toMatchObject([{ status: "sent", attempts: 3 }]);
  });

  it("marks the delivery failed after the last try, and keeps it visible for the admin page", async () => {
    smtp.refuse = true; // a real 451 from a real server
    const event = createEvent("ProviderConnectionSucceeded", connection());
    await emitNow(event);
    for (let attempt = 2; attempt <= EMAIL_RETRY_POLICY.maxAttempts; attempt++) {
      await recoverEvents({ olderThanMs: 0, now: later(attempt * 2 * 60 * MINUTE) });
    }
    const [delivery] = await deliveryOf(event.eventId);
    expect(delivery).toMatchObject({ status: "failed", attempts: EMAIL_RETRY_POLICY.maxAttempts, nextAttemptAt: null });
    expect(delivery!.lastError).toMatch(/451|busy/i);
    const { emails: stuck } = await listStuckWork();
    expect(stuck.find((d) => d.id === delivery!.id)).toMatchObject({ status: "failed" });
    // Other handlers (accounts: no bank runs here) log their own failures; look at the email's.
    expect(logs.lines.find((l) => l.eventId === event.eventId && l.msg === "email not sent after the last try; marked failed")).toMatchObject({
      level: 50,
      correlationId: event.correlationId,
    });

    smtp.refuse = false;
    await recoverEvents({ olderThanMs: 0, now: later(100 * 60 * MINUTE) });
    expect(smtp.received).toBe(0);
  });

  it("skips, with a warning, an event whose user no longer exists", async () => {
    const event = createEvent("ProviderConnectionSucceeded", connection({ userId: "deleted-user" }));
    const result = await emitNow(event).then(() => dispatchEvent(event));
    expect(result.failed).not.toContain("email");
    expect(await deliveryOf(event.eventId)).toHaveLength(0);
  });
});
