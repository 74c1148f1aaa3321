/**
 * The server-side rules of issue 15 below the browser: rename validation and uniqueness,
 * the unknown time zone, deleting an account only with its own email, and "Retry now" on an
 * email that was already sent.
 */
import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { describe, expect, test } from "vitest";

import { renameConnection } from "@/lib/connections/rename-connection";
import { getDb } from "@/lib/db/client";
import { emailDeliveries, providerConnections, users } from "@/lib/db/schema";
import { signInCallback } from "@/lib/auth/sign-in-callback";
import { ACCOUNT_DELETED_ERROR, deleteAccount } from "@/lib/people/delete-account";
import { deletedEmail } from "@/lib/people/deleted-address";
import { saveTimeZone } from "@/lib/people/save-time-zone";
import { retryAllFailed, retryEmail } from "@/lib/operations/retry-work";
import { whileLocked } from "@/test/support/row-lock";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const smtp = withSmtpCapture();

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

  test("a disconnected connection cannot be renamed; a connection can take its own name in another case", async () => {
    const user = await createTestUser();
    const gone = await insertConnection(user.id, "Closed", "disconnected");
    const live = await insertConnection(user.id, "Brokerage");
    expect(await renameConnection({ userId: user.id, connectionId: gone, alias: "Reopened" })).toEqual({
      ok: false,
      field: "connection",
      message: "That connection was not found.",
    });
    expect(await renameConnection({ userId: user.id, connectionId: live, alias: "BROKERAGE" })).toEqual({ ok: true, alias: "BROKERAGE" });
  });

  // Needs a second transaction holding the name: PostgreSQL only (PGlite runs one at a time).
  test.skipIf(!process.env.DATABASE_URL)("a name another rename takes between the check and the write is refused as taken, not as an error", async () => {
    const user = await createTestUser();
    const first = await insertConnection(user.id, "First");
    const second = await insertConnection(user.id, "Second");
    // The other rename has written "Joint" and not committed: the check cannot see it; the unique index waits for it.
    const { result, finishedWhileHeld } = await whileLocked(sql`update provider_connections set alias = 'Joint' where id = ${first}`, () =>
      renameConnection({ userId: user.id, connectionId: second, alias: "Joint" }),
    );
    expect(finishedWhileHeld).toBe(false);
    expect(result).toEqual({ ok: false, field: "alias", message: "You already have a connection with this name at this provider." });
    const db = await getDb();
    const aliases = await db.select({ alias: providerConnections.alias }).from(providerConnections).where(eq(providerConnections.userId, user.id)).orderBy(providerConnections.alias);
    expect(aliases.map((r) => r.alias)).toEqual(["Joint", "Second"]);
  });
});

describe("time zone", () => {
  test("an unknown zone stores nothing and is reported; a known one is stored", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const stored = async () => (await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, user.id)))[0]!.timeZone;
    expect(await saveTimeZone({ userId: user.id, zone: "Mars/Olympus_Mons" })).toEqual({ zone: "UTC", unknown: "Mars/Olympus_Mons" });
    expect(await stored()).toBeNull();
    expect(await saveTimeZone({ userId: user.id, zone: "europe/paris" })).toEqual({ zone: "Europe/Paris", unknown: null });
    expect(await stored()).toBe("Europe/Paris");
    expect(await saveTimeZone({ userId: user.id, zone: "Mars/Olympus_Mons" })).toMatchObject({ unknown: "Mars/Olympus_Mons" });
    expect(await stored()).toBe("Europe/Paris");
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

    const before = smtp.capture().received;
    await deleteAccount({ userId: user.id, confirmEmail: user.email.toUpperCase() });
    const [gone] = await db.select().from(users).where(eq(users.id, user.id));
    expect(gone!.email).not.toBe(user.email);
    expect(gone!.name).toBeNull();
    expect(gone!.deletedAt).not.toBeNull();
    const messages = await smtp.capture().waitFor(before + 1);
    expect(messages.some((m) => m.to.includes(user.email) && m.subject === "Your Ledgerlink account was deleted")).toBe(true);
  });
});

function deliveryRow(user: { id: string; email: string }, status: "sent" | "failed" | "retrying" | "pending") {
  return {
    id: randomUUID(),
    eventId: randomUUID(),
    template: "test",
    userId: user.id,
    toAddress: user.email,
    subject: `Retry test ${status} ${randomUUID()}`,
    messageId: `<${randomUUID()}@test>`,
    html: "<p>hi</p>",
    text: "hi",
    status,
    attempts: status === "pending" ? 0 : 6,
  };
}

describe("a deleted account", () => {
  test("keeps no address in any email row, and its unsent emails are cancelled", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const rows = (["sent", "failed", "retrying"] as const).map((status) => deliveryRow(user, status));
    await db.insert(emailDeliveries).values(rows);
    await deleteAccount({ userId: user.id, confirmEmail: user.email });
    const after = await db.select().from(emailDeliveries).where(eq(emailDeliveries.userId, user.id));
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const row of after) expect(row.toAddress).toBe(deletedEmail(user.id));
    const unsent = after.filter((row) => row.id === rows[1]!.id || row.id === rows[2]!.id);
    expect(unsent.map((row) => [row.status, row.nextAttemptAt, row.lastError])).toEqual([
      ["failed", null, ACCOUNT_DELETED_ERROR],
      ["failed", null, ACCOUNT_DELETED_ERROR],
    ]);
  });

  test("is skipped by Retry now and Retry all failed, which say so", async () => {
    const user = await createTestUser();
    const db = await getDb();
    // An email that still has the address (written before deletion anonymised rows), and an account marked deleted.
    const failed = deliveryRow(user, "failed");
    await db.insert(emailDeliveries).values(failed);
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, user.id));
    expect(await retryEmail({ deliveryId: failed.id })).toMatchObject({ status: "account_deleted", message: expect.stringContaining("deleted") });
    const all = await retryAllFailed();
    expect(all.message).toMatch(/Skipped \d+ emails? to deleted accounts/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.capture().messages.filter((m) => m.to.includes(user.email))).toHaveLength(0);
    const [row] = await db.select({ status: emailDeliveries.status }).from(emailDeliveries).where(eq(emailDeliveries.id, failed.id));
    expect(row!.status).toBe("failed");
  });

  test("cannot sign in again: not by its placeholder address, nor by a user row marked deleted", async () => {
    const live = await createTestUser();
    expect(await signInCallback({ user: { id: live.id, email: live.email } })).toBe(true);
    const user = await createTestUser();
    await deleteAccount({ userId: user.id, confirmEmail: user.email });
    // Asking for a link for the placeholder address (no user id yet), and following an older link.
    expect(await signInCallback({ user: { email: deletedEmail(user.id) }, email: { verificationRequest: true } })).toBe(false);
    expect(await signInCallback({ user: { id: user.id, email: deletedEmail(user.id) } })).toBe(false);
    // Whatever the address, a row with deleted_at set.
    const other = await createTestUser();
    const db = await getDb();
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, other.id));
    expect(await signInCallback({ user: { id: other.id, email: other.email } })).toBe(false);
    expect(await signInCallback({ user: { email: other.email.toUpperCase() }, email: { verificationRequest: true } })).toBe(false);
  });
});

describe("retry an email", () => {
  test("a pending email is reported as being sent, not as already sent", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const pending = deliveryRow(user, "pending");
    await db.insert(emailDeliveries).values(pending);
    expect(await retryEmail({ deliveryId: pending.id })).toMatchObject({ status: "in_progress", message: expect.stringContaining("being sent") });
  });

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
    const before = smtp.capture().received;
    expect(await retryEmail({ deliveryId: sent.id })).toMatchObject({ status: "already_done" });
    expect(smtp.capture().received).toBe(before);
    expect(await retryEmail({ deliveryId: failed.id })).toMatchObject({ status: "sent" });
    expect(smtp.capture().received).toBe(before + 1);
    expect(await retryEmail({ deliveryId: failed.id })).toMatchObject({ status: "already_done" });
    expect(smtp.capture().received).toBe(before + 1);
  });
});
