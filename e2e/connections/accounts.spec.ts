import { expect, type Page, test } from "@playwright/test";

import { sandboxAccountsFor } from "../../lib/providers/sandbox-bank/sandbox-accounts";
import { bankControl, connectSandboxBank, uniqueLogin } from "../support/connections";
import { sql } from "../support/db";
import { listEmails, waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";

/** The names the Sandbox Bank gives `login`'s accounts (nickname, else product name). */
function accountNames(login: string): string[] {
  return sandboxAccountsFor(login).accounts.map((wrapped) => {
    const account = Object.values(wrapped)[0]!;
    return account.nickname ?? account.productName;
  });
}

async function bankCounts(login: string) {
  const stats = await bankControl.stats();
  return {
    refreshes: stats.tokenRequests.byAccount[login]?.refreshToken ?? 0,
    accountsRead: stats.accountsRequests.byAccount[login]?.ok ?? 0,
  };
}

async function storedAccountsOf(email: string) {
  return sql<{ maskedNumber: string | null; currentBalance: string | null }[]>`
    select a.masked_number as "maskedNumber", a.current_balance as "currentBalance"
    from provider_accounts a join users u on u.id = a.user_id where u.email = ${email}`;
}

/** Connects, then waits for the background read to fill the card. */
async function connectAndSeeAccounts(page: Page, login: string, outcome?: "Approve with short-lived tokens") {
  await connectSandboxBank(page, { login, outcome });
  const accounts = page.getByRole("region", { name: "Accounts of Sandbox Bank" });
  for (const name of accountNames(login)) await expect(accounts.getByRole("listitem", { name })).toBeVisible({ timeout: 40_000 });
  return accounts;
}

test("connect the Sandbox Bank and see its accounts and balances on the card", async ({ page }) => {
  const email = uniqueEmail("accounts");
  const login = uniqueLogin("ada");
  await signIn(page, email);
  const accounts = await connectAndSeeAccounts(page, login);

  const checking = accounts.getByRole("listitem", { name: "Bills" });
  await expect(checking).toContainText("Checking");
  await expect(checking).toContainText(/…\d{4}/);
  await expect(checking).toContainText(/\$[\d,]+\.\d{2}/);
  await expect(checking).toContainText(/as of /);
  const stored = await storedAccountsOf(email);
  expect(stored.length).toBe(accountNames(login).length);
  for (const row of stored) expect(row.maskedNumber).toMatch(/^…\d{4}$/);
  // Sealed tokens never reach the browser.
  expect(await page.content()).not.toMatch(/v1\.e2e1\./);

  await page.goto("/activity");
  await expect(page.getByRole("region", { name: "Accounts reads" })).toContainText(/Accounts read from Sandbox Bank: \d+ accounts/);
});

test("with short-lived tokens, Refresh accounts refreshes the token once and reads the accounts", async ({ page }) => {
  const email = uniqueEmail("accounts-short");
  const login = uniqueLogin("bea");
  await signIn(page, email);
  await connectAndSeeAccounts(page, login, "Approve with short-lived tokens");
  // The 60 s token is inside the refresh lead time: due, as if it had expired.
  const before = await bankCounts(login);

  await page.getByRole("button", { name: "Refresh accounts Sandbox Bank" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: /^Read \d+ accounts just now\.$/ })).toBeVisible();

  const after = await bankCounts(login);
  expect(after.refreshes - before.refreshes).toBe(1);
  expect(after.accountsRead - before.accountsRead).toBe(1);
});

test("a grant revoked at the bank: Refresh accounts asks to reconnect and one email is sent", async ({ page }) => {
  const email = uniqueEmail("accounts-revoked");
  const login = uniqueLogin("cleo");
  await signIn(page, email);
  const accounts = await connectAndSeeAccounts(page, login);
  await bankControl.revokeAccount(login);

  await page.getByRole("button", { name: "Refresh accounts Sandbox Bank" }).click();
  await expect(page.getByRole("main").getByRole("alert").filter({ hasText: "Reconnect it to see your accounts" }).first()).toBeVisible();
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await expect(card.getByRole("button", { name: /^Reconnect/ })).toBeVisible();
  await expect(card.getByText("Reconnect to keep using it.", { exact: false })).toBeVisible();
  await expect(accounts.getByRole("alert")).toContainText("Could not read accounts");

  await waitForEmails(email, { subject: "Reconnect Sandbox Bank" });
  await page.waitForTimeout(1_500); // a second email would come from the same after() pass
  expect((await listEmails()).filter((m) => m.to.includes(email) && m.subject === "Reconnect Sandbox Bank")).toHaveLength(1);
});

test("an accounts API that fails shows what to do, and keeps the accounts already shown", async ({ page }) => {
  const email = uniqueEmail("accounts-broken");
  const login = uniqueLogin("dan");
  await signIn(page, email);
  const accounts = await connectAndSeeAccounts(page, login);
  await bankControl.setAccount(login, { tokenEndpoint: "ok", accountsApi: "string_balances" });

  await page.getByRole("button", { name: "Refresh accounts Sandbox Bank" }).click();
  await expect(accounts.getByRole("alert").filter({ hasText: "Could not read accounts" })).toContainText("could not read");
  await expect(accounts.getByRole("listitem", { name: "Bills" })).toBeVisible();
});

test("while the first read runs the card says so; a bank too slow to answer gives an error that says what to do", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => (message.type() === "error" ? errors.push(message.text()) : undefined));
  const email = uniqueEmail("accounts-slow");
  const login = uniqueLogin("eve");
  await signIn(page, email);
  await page.goto("/connections");
  await page.getByRole("form", { name: "Connect Sandbox Bank" }).getByRole("button", { name: "Connect" }).click();
  await page.getByLabel("Username").fill(login);
  await page.getByRole("group", { name: "Accounts API" }).getByLabel("Accounts API slow").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/connections\?/);

  const accounts = page.getByRole("region", { name: "Accounts of Sandbox Bank" });
  await expect(accounts.getByText("Reading your accounts…")).toBeVisible();
  // The bank stalls past the read's time limit; the card updates itself when the read ends.
  await expect(accounts.getByRole("alert")).toContainText("took too long", { timeout: 40_000 });
  await expect(accounts.getByRole("alert")).toContainText("Try Refresh accounts again later");
  expect(errors).toEqual([]);
});
