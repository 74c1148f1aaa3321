/**
 * The sign-in email: its link always points at APP_URL (a forged Host header must not
 * send a real token elsewhere), nobody can flood an inbox with links, and its expiry is in
 * the recipient's zone, read once.
 */
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { eq } from "drizzle-orm";
import { expect, test, vi } from "vitest";

import { rememberRecipientZones, type RecipientZones } from "@/lib/auth/recipient-zones";
import { sendSignInEmail } from "@/lib/auth/send-sign-in-email";
import { getDb } from "@/lib/db/client";
import { recipientTimeZone } from "@/lib/db/queries/recipient-time-zone";
import { accounts, sessions, users, verificationTokens } from "@/lib/db/schema";
import { allowSignInEmail, SIGN_IN_RATE_LIMITS } from "@/lib/auth/sign-in-rate-limit";
import { getEnv } from "@/lib/env";
import { runWithRequestContext } from "@/lib/request-context";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

// Counted: the zone must not be read a second time when Auth.js's lookup already read it.
vi.mock("@/lib/db/queries/recipient-time-zone", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/db/queries/recipient-time-zone")>();
  return { recipientTimeZone: vi.fn(original.recipientTimeZone) };
});

const smtp = withSmtpCapture();

test("the link is rebuilt on APP_URL whatever origin Auth.js derived from the request", async () => {
  const to = `forged-host-${Date.now()}@example.test`;
  // What Auth.js builds when a request claims `X-Forwarded-Host: evil.example`.
  const forged = "https://evil.example/api/auth/callback/nodemailer?callbackUrl=%2Fconnections&token=t0k3n-value&email=x";
  await sendSignInEmail({ identifier: to, url: forged, expires: new Date(Date.now() + 15 * 60_000) });

  await expect.poll(() => smtp.capture().messages.filter((m) => m.to.includes(to)).length).toBe(1);
  const [mail] = smtp.capture().messages.filter((m) => m.to.includes(to));
  const appUrl = getEnv().APP_URL;
  expect(mail!.text).toContain(`${appUrl}/api/auth/callback/nodemailer?callbackUrl=%2Fconnections&token=t0k3n-value`);
  expect(`${mail!.text}\n${mail!.html}`).not.toContain("evil.example");
});

test("sign-in emails are limited per address and per client address", async () => {
  const email = `flood-${Date.now()}@example.test`;
  const results: boolean[] = [];
  for (let i = 0; i <= SIGN_IN_RATE_LIMITS.perEmail.limit; i += 1) results.push(await allowSignInEmail(email));
  expect(results).toEqual([...Array(SIGN_IN_RATE_LIMITS.perEmail.limit).fill(true), false]);
  // Other addresses from the same client, up to the per-IP limit.
  const fromOneClient = await runWithRequestContext({ ipAddress: "198.51.100.23" }, async () => {
    const answers: boolean[] = [];
    for (let i = 0; i <= SIGN_IN_RATE_LIMITS.perIp.limit; i += 1) answers.push(await allowSignInEmail(`ip-${i}-${Date.now()}@example.test`));
    return answers;
  });
  expect(fromOneClient.filter((ok) => !ok)).toHaveLength(1);
  expect(fromOneClient.at(-1)).toBe(false);
});

test("the expiry is in the zone Auth.js's lookup of the address found, read once; by address when nothing was handed over", async () => {
  const user = await createTestUser();
  const db = await getDb();
  await db.update(users).set({ timeZone: "Asia/Tokyo" }).where(eq(users.id, user.id));
  const zones: RecipientZones = new Map();
  const adapter = rememberRecipientZones(
    DrizzleAdapter(db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }),
    zones,
  );
  // What Auth.js does before it mails a link: the user by address.
  await adapter.getUserByEmail!(user.email);
  await adapter.getUserByEmail!("nobody-yet@example.test");
  expect([...zones]).toEqual([
    [user.email, "Asia/Tokyo"],
    ["nobody-yet@example.test", null],
  ]);

  const expires = new Date("2026-11-27T10:04:00.000Z");
  const url = "http://localhost/api/auth/callback/nodemailer?token=t";
  vi.mocked(recipientTimeZone).mockClear();
  await sendSignInEmail({ identifier: user.email, url, expires, storedZone: zones.get(user.email) });
  await sendSignInEmail({ identifier: "nobody-yet@example.test", url, expires, storedZone: zones.get("nobody-yet@example.test") });
  expect(recipientTimeZone).not.toHaveBeenCalled();
  // Not handed over (a caller other than Auth.js): read by address.
  await sendSignInEmail({ identifier: user.email, url, expires });
  expect(recipientTimeZone).toHaveBeenCalledTimes(1);

  await expect.poll(() => smtp.capture().messages.filter((m) => m.subject === "Sign in to Ledgerlink" && m.text.includes("27 November 2026")).length).toBe(3);
  const texts = smtp.capture().messages.filter((m) => m.text.includes("27 November 2026")).map((m) => m.text);
  expect(texts.filter((t) => t.includes("at 19:04 GMT+9 (Asia/Tokyo)"))).toHaveLength(2);
  expect(texts.filter((t) => t.includes("at 10:04 UTC"))).toHaveLength(1);
});
