import { expect, test } from "@playwright/test";

import { sql } from "../support/db";
import { linkIn, waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";

test("a new user signs in with the emailed link, sees an empty Connections page, and signs out", async ({ page }) => {
  const email = uniqueEmail("newcomer");

  await page.goto("/connections");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fconnections/);

  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Connections", level: 1 })).toBeVisible();
  await expect(page.getByText("You have not connected any bank or brokerage yet.")).toBeVisible();
  await expect(page.getByRole("banner").getByText(email)).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);

  const [user] = await sql<{ id: string; emailVerified: Date | null }[]>`
    select id, email_verified as "emailVerified" from users where email = ${email}`;
  expect(user?.emailVerified).toBeInstanceOf(Date);
  const sessions = await sql`select 1 from sessions where user_id = ${user!.id}`;
  expect(sessions).toHaveLength(1);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/signin/);
});

test("an invalid email address gets a message beside the field", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email address").fill("not-an-email");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  const field = page.getByLabel("Email address");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#email-error")).toHaveText(/valid email address/);
  await expect(field).toHaveAccessibleDescription(/valid email address/);
});

test("a used sign-in link gets a friendly page with a way to ask for a new one", async ({ page, browser }) => {
  const email = uniqueEmail("reuse");
  await signIn(page, email);
  const [message] = await waitForEmails(email, { subject: "Sign in to Ledgerlink" });

  const other = await browser.newContext();
  const second = await other.newPage();
  await second.goto(linkIn(message!, "http://localhost"));
  await expect(second.getByRole("heading", { name: "That link has expired or was already used" })).toBeVisible();
  await expect(second.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
  await other.close();
});

test("admins see the Admin link", async ({ page }) => {
  const { e2eAdminEmail } = await import("../support/e2e-env");
  await signIn(page, e2eAdminEmail);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
});

test("the health endpoint reports the database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", database: { status: "up" } });
});
