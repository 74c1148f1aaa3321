import { expect, type Page } from "@playwright/test";

import { sql } from "./db";
import { linkIn, listEmails, waitForEmails } from "./mailbox";

export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@e2e.ledgerlink.test`;
}

/** Signs in through the real magic-link flow: form → SMTP capture → link. */
export async function signIn(page: Page, email: string, { returnTo = "/connections" } = {}) {
  const subject = "Sign in to Ledgerlink";
  // The same address may have signed in before (the admin does, in several specs): use the new link.
  const earlier = (await listEmails()).filter((m) => m.to.includes(email) && m.subject === subject).length;
  // The admin signs in from many specs within one 15-minute window: each sign-in here starts with
  // the address's full allowance. The limit itself is tested with addresses of its own
  // (e2e/security/sign-in-abuse.spec.ts), which never come through this helper.
  await sql`delete from rate_limits where key = ${`sign-in:${email.trim().toLowerCase()}`}`;
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  // Opening the link before this page settles can abort the navigation (STACK.md).
  await expect(page).toHaveURL(/\/signin\/check-email/);
  const messages = await waitForEmails(email, { subject, count: earlier + 1 });
  await page.goto(linkIn(messages[messages.length - 1]!, "http://localhost"));
  await expect(page).toHaveURL(new RegExp(`${returnTo.replace(/\//g, "\\/")}`));
}
