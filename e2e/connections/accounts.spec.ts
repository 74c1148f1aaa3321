import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

import { createTokenCipher, parseEncryptionKeys } from "../../lib/crypto/token-crypto";
import { formatDateTime } from "../../lib/format";
import { sandboxAccountsFor } from "../../lib/providers/sandbox-bank/sandbox-accounts";
import { connectionTokenContext } from "../../lib/providers/token-vault";
import { bankControl, connectSandboxBank, uniqueLogin } from "../support/connections";
import { sql } from "../support/db";
import { e2eEnv } from "../support/e2e-env";
import { listEmails, waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";

/** The app's token cipher, from the e2e server's own keys. */
const tokenCipher = createTokenCipher(parseEncryptionKeys(e2eEnv.TOKEN_ENCRYPTION_KEYS).keys);

/** The plaintext access and refresh tokens stored for `email`'s connections. */
async function storedTokensOf(email: string): Promise<string[]> {
  const rows = await sql<{ id: string; accessTokenEnc: string | null; refreshTokenEnc: string | null }[]>`
    select c.id, c.access_token_enc as "accessTokenEnc", c.refresh_token_enc as "refreshTokenEnc"
    from provider_connections c join users u on u.id = c.user_id where u.email = ${email}`;
  return rows.flatMap((row) => [
    tokenCipher.decrypt(row.accessTokenEnc!, connectionTokenContext(row.id, "access_token")),
    tokenCipher.decrypt(row.refreshTokenEnc!, connectionTokenContext(row.id, "refresh_token")),
  ]);
}

/** Every response body the page receives from now on (redirects and bodiless answers give ""). */
function collectResponseBodies(page: Page): () => Promise<{ url: string; body: string }[]> {
  const bodies: Promise<{ url: string; body: string }>[] = [];
  page.on("response", (response) => {
    bodies.push(
      response
        .text()
        .catch(() => "")
        .then((body) => ({ url: response.url(), body })),
    );
  });
  return () => Promise.all(bodies);
}

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function userIdOf(email: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select id from users where email = ${email}`;
  return row!.id;
}

/**
 * Waits until every outbox event about the user's connections is finished (all handlers ran,
 * the email handler included), so no notification of theirs is still on its way.
 */
async function waitForEventsSettled(email: string) {
  const userId = await userIdOf(email);
  await expect
    .poll(async () => {
      const [row] = await sql<{ open: number }[]>`
        select count(*)::int as open from event_outbox
        where payload->>'userId' = ${userId} and processed_at is null and dead_at is null`;
      return row!.open;
    })
    .toBe(0);
}

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
  const responses = collectResponseBodies(page);
  const accounts = await connectAndSeeAccounts(page, login);

  const checking = accounts.getByRole("listitem", { name: "Bills" });
  await expect(checking).toContainText("Checking");
  await expect(checking).toContainText(/…\d{4}/);
  await expect(checking).toContainText(/\$[\d,]+\.\d{2}/);
  await expect(checking).toContainText(/as of /);
  const stored = await storedAccountsOf(email);
  expect(stored.length).toBe(accountNames(login).length);
  for (const row of stored) expect(row.maskedNumber).toMatch(/^…\d{4}$/);
  // Neither the tokens nor their sealed form reach the browser: not the page, not any answer it got.
  await page.goto("/activity");
  await expect(page.getByRole("region", { name: "Accounts reads" })).toContainText(/Accounts read from Sandbox Bank: \d+ accounts/);
  await page.goto("/connections");
  await expect(accounts.getByRole("listitem", { name: "Bills" })).toBeVisible();
  const tokens = await storedTokensOf(email);
  expect(tokens).toHaveLength(2);
  const seen = [{ url: "page.content()", body: await page.content() }, ...(await responses())];
  expect(seen.filter((r) => r.body.length > 0).length).toBeGreaterThan(3);
  for (const { url, body } of seen) {
    expect(body, url).not.toMatch(/v1\.e2e1\./);
    for (const token of tokens) expect(body.includes(token), `a stored token in ${url}`).toBe(false);
  }
});

test.describe("in the viewer's zone", () => {
  test.use({ timezoneId: "America/New_York" });

  test("the card's 'as of' and /activity's accounts reads are in the stored zone, named", async ({ page }) => {
    const email = uniqueEmail("accounts-zone");
    const login = uniqueLogin("zed");
    await signIn(page, email);
    // The browser's zone is stored at sign-in (as in e2e/people/people.spec.ts).
    await expect
      .poll(async () => (await sql<{ timeZone: string | null }[]>`select time_zone as "timeZone" from users where email = ${email}`)[0]?.timeZone)
      .toBe("America/New_York");
    const accounts = await connectAndSeeAccounts(page, login);

    const [bills] = await sql<{ asOf: Date }[]>`
      select coalesce(a.balance_as_of, a.read_at) as "asOf" from provider_accounts a join users u on u.id = a.user_id
      where u.email = ${email} and a.name = 'Bills'`;
    const zoned = formatDateTime(bills!.asOf, { timeZone: "America/New_York" });
    expect(zoned).toMatch(/GMT-[45]$/);
    await expect(accounts.getByRole("listitem", { name: "Bills" })).toContainText(`as of ${zoned}`);

    const [read] = await sql<{ startedAt: Date }[]>`
      select r.started_at as "startedAt" from account_reads r join users u on u.id = r.user_id where u.email = ${email}`;
    await page.goto("/activity");
    await expect(page.getByRole("region", { name: "Accounts reads" })).toContainText(formatDateTime(read!.startedAt, { timeZone: "America/New_York" }));
    await expect(page.getByRole("region", { name: "Accounts reads" })).not.toContainText("UTC");
  });
});

test("a card with accounts passes axe at desktop and phone width", async ({ page }) => {
  const email = uniqueEmail("accounts-axe");
  const login = uniqueLogin("abe");
  await signIn(page, email);
  await connectAndSeeAccounts(page, login);
  await page.setViewportSize({ width: 1280, height: 900 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("region", { name: "Accounts of Sandbox Bank" }).getByRole("listitem", { name: "Bills" })).toBeVisible();
  await expectAccessible(page);
});

test("a bank that reports no accounts: the card says so", async ({ page }) => {
  const email = uniqueEmail("accounts-empty");
  const login = uniqueLogin("nil");
  await signIn(page, email);
  const accounts = await connectAndSeeAccounts(page, login);
  await bankControl.setAccount(login, { tokenEndpoint: "ok", accountsApi: "empty" });

  await page.getByRole("button", { name: "Refresh accounts Sandbox Bank" }).click();
  await expect(accounts.getByText("Sandbox Bank reported no accounts for this connection.")).toBeVisible();
  await expect(accounts.getByRole("listitem")).toHaveCount(0);
  await expect(accounts.getByRole("alert")).toHaveCount(0);
  expect(await storedAccountsOf(email)).toEqual([]);
});

test("a failed read shows on /activity with its reason, and is recorded", async ({ page }) => {
  const email = uniqueEmail("accounts-failed");
  const login = uniqueLogin("fin");
  await signIn(page, email);
  const accounts = await connectAndSeeAccounts(page, login);
  await bankControl.setAccount(login, { tokenEndpoint: "ok", accountsApi: "error" });

  await page.getByRole("button", { name: "Refresh accounts Sandbox Bank" }).click();
  await expect(accounts.getByRole("alert").filter({ hasText: "Could not read accounts" })).toBeVisible();

  await page.goto("/activity");
  await expect(page.getByRole("region", { name: "Accounts reads" }).getByRole("listitem").first()).toContainText(
    "Could not read accounts from Sandbox Bank. The bank's accounts service had a problem. Try Refresh accounts again later. (you asked)",
  );
  const rows = await sql<{ trigger: string; outcome: string; reason: string | null; finished: boolean }[]>`
    select r.trigger, r.outcome, r.reason, r.finished_at is not null as finished
    from account_reads r join users u on u.id = r.user_id where u.email = ${email} order by r.started_at`;
  expect(rows).toEqual([
    { trigger: "connect", outcome: "succeeded", reason: null, finished: true },
    { trigger: "manual", outcome: "failed", reason: "provider_error", finished: true },
  ]);
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
  // A second email would come from an event still being handled: wait until none is left.
  await waitForEventsSettled(email);
  const deliveries = await sql<{ status: string }[]>`
    select status from email_deliveries where user_id = ${await userIdOf(email)} and template = 'reconnect-needed'`;
  expect(deliveries).toEqual([{ status: "sent" }]);
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
