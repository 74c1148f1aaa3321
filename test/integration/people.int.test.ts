/**
 * The server-side rules of issue 15 below the browser: rename validation and uniqueness,
 * the unknown time zone, deleting an account only with its own email, and "Retry now" on an
 * email that was already sent.
 */
import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { renameConnection } from "@/lib/connections/rename-connection";
import { getDb } from "@/lib/db/client";
import { emailDeliveries, providerConnections, users } from "@/lib/db/schema";
import { deleteAccount } from "@/lib/people/delete-account";
import { saveTimeZone } from "@/lib/people/save-time-zone";
import { retryEmail } from "@/lib/operations/retry-work";
import type { SmtpCapture } from "@/test/support/smtp-capture";
import { createTestUser } from "@/test/support/test-users";
import { useSmtpCapture } from "@/test/support/use-smtp-capture";

let smtp: Awaited<ReturnType<typeof useSmtpCapture>>;
let mail: SmtpCapture;
beforeAll(async () => {
  smtp = await useSmtpCapture();
  mail = smtp.capture;
});
afterAll(async () => {
  await smtp.restore();
});

async function insertConnection(userId: string, alias: string, status: "active" | "disconnected" = "active") {
  const db = await getDb();
  const id = randomUUID();
  await db.insert(providerConnections).values({ id, userId, providerSlug: "sandbox-bank", alias, status });
  return id;
}

describe("rename a connection", () => {
  test("refuses an empty, an overlong and a duplicate name, and accepts a free one", async () => {
    const user = await createTestUser();
    const first = await insertConnection(user.id, "Checking");
    const second = await insertConnection(user.id, "Savings");
    expect(await renameConnection({ userId: user.id, connectionId: second, alias: "   " })).toMatchObject({ ok: false, field: "alias" });
    expect(await renameConnection({ userId: user.id, connectionId: second, alias: "x".repeat(61) })).toMatchObject({ ok: false, field: "alias" });
    expect(await renameConnection({ userId: user.id, connectionId: second, alias: "checking" })).toMatchObject({
      ok: false,
      field: "alias",
      message: expect.stringContaining("already"),
    });
    expect(await renameConnection({ userId: user.id, connectionId: second, alias: "  Joint  " })).toEqual({ ok: true, alias: "Joint" });
    const db = await getDb();
    const [row] = await db.select({ alias: providerConnections.alias }).from(providerConnections).where(eq(providerConnections.id, second));
    expect(row!.alias).toBe("Joint");
    expect(first).not.toBe(second);
  }, 120_000);

  test("a disconnected connection frees its name, and nobody renames someone else's connection", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser();
    await insertConnection(user.id, "Old", "disconnected");
    const live = await insertConnection(user.id, "New");
    expect(await renameConnection({ userId: user.id, connectionId: live, alias: "Old" })).toEqual({ ok: true, alias: "Old" });
    expect(await renameConnection({ userId: stranger.id, connectionId: live, alias: "Mine" })).toMatchObject({ ok: false, field: "connection" });
  });
});

describe("time zone", () => {
  test("an unknown zone is stored as UTC and reported", async () => {
    const user = await createTestUser();
    expect(await saveTimeZone({ userId: user.id, zone: "Mars/Olympus_Mons" })).toEqual({ zone: "UTC", unknown: "Mars/Olympus_Mons" });
    expect(await saveTimeZone({ userId: user.id, zone: "europe/paris" })).toEqual({ zone: "Europe/Paris", unknown: null });
    const db = await getDb();
    const [row] = await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, user.id));
    expect(row!.timeZone).toBe("Europe/Paris");
  });
});

describe("delete my account", () => {
  test("a wrong email changes nothing; the right one removes the email and keeps the id", async () => {
    const user = await createTestUser();
    await expect(deleteAccount({ userId: user.id, confirmEmail: `not-${user.email}` })).rejects.toThrow("Nothing was deleted");
    const db = await getDb();
    const [kept] = await db.select().from(users).where(eq(users.id, user.id));
    expect(kept!.email).toBe(user.email);
    expect(kept!.deletedAt).toBeNull();

    const before = mail.received;
    await deleteAccount({ userId: user.id, confirmEmail: user.email.toUpperCase() });
    const [gone] = await db.select().from(users).where(eq(users.id, user.id));
    expect(gone!.email).not.toBe(user.email);
    expect(gone!.name).toBeNull();
    expect(gone!.deletedAt).not.toBeNull();
    const messages = await mail.waitFor(before + 1);
    expect(messages.some((m) => m.to.includes(user.email) && m.subject === "Your Ledgerlink account was deleted")).toBe(true);
  });
});

describe("retry an email", () => {
  test("an email already sent is not sent again, and the answer says so; a failed one is sent", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const row = (status: "sent" | "failed") => ({
      id: randomUUID(),
      eventId: randomUUID(),
      template: "test",
      userId: user.id,
      toAddress: user.email,
      subject: `Retry test ${status}`,
      messageId: `<${randomUUID()}@test>`,
      html: "<p>hi</p>",
      text: "hi",
      status,
      attempts: 6,
    });
    const sent = row("sent");
    const failed = row("failed");
    await db.insert(emailDeliveries).values([sent, failed]);
    const before = mail.received;
    expect(await retryEmail({ deliveryId: sent.id })).toMatchObject({ status: "already_done" });
    expect(mail.received).toBe(before);
    expect(await retryEmail({ deliveryId: failed.id })).toMatchObject({ status: "sent" });
    expect(mail.received).toBe(before + 1);
    expect(await retryEmail({ deliveryId: failed.id })).toMatchObject({ status: "already_done" });
    expect(mail.received).toBe(before + 1);
  });
});
