import { expect, type Page } from "@playwright/test";

import { linkIn, waitForEmails } from "./mailbox";

export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@e2e.ledgerlink.test`;
}

/** Signs in through the real magic-link flow: form → SMTP capture → link. */
export async function signIn(page: Page, email: string, { returnTo = "/connections" } = {}) {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  // Opening the link before this page settles can abort the navigation (STACK.md).
  await expect(page).toHaveURL(/\/signin\/check-email/);
  const [message] = await waitForEmails(email, { subject: "Sign in to Ledgerlink" });
  await page.goto(linkIn(message!, "http://localhost"));
  await expect(page).toHaveURL(new RegExp(`${returnTo.replace(/\//g, "\\/")}`));
}
