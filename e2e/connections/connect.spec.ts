import { expect, test } from "@playwright/test";

import { sql } from "../support/db";
import { bankControl, connectSandboxBank, consentAtBank, cronSecret, uniqueLogin } from "../support/connections";
import { waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";

async function connectionsOf(email: string) {
  return sql<{ id: string; status: string; alias: string; accessTokenEnc: string | null; refreshTokenEnc: string | null }[]>`
    select c.id, c.status, c.alias, c.access_token_enc as "accessTokenEnc", c.refresh_token_enc as "refreshTokenEnc"
    from provider_connections c join users u on u.id = c.user_id where u.email = ${email} order by c.created_at`;
}

async function auditOf(email: string, workflow: string) {
  return sql<{ action: string; outcome: string; reason: string | null; correlationId: string }[]>`
    select a.action, a.outcome, a.reason, a.correlation_id as "correlationId"
    from audit_logs a join users u on u.id = a.user_id
    where u.email = ${email} and a.workflow = ${workflow} order by a.seq`;
}

test("connect the Sandbox Bank and see it Active, with its audit rows and email", async ({ page }) => {
  const email = uniqueEmail("connect");
  await signIn(page, email);
  await connectSandboxBank(page, { login: uniqueLogin("alice") });

  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank connected.");
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  await expect(card.getByRole("button", { name: /^Disconnect/ })).toBeVisible();

  const [connection] = await connectionsOf(email);
  expect(connection).toMatchObject({ status: "active", alias: "Sandbox Bank" });
  expect(connection!.accessTokenEnc).toMatch(/^v1\.e2e1\./); // sealed, never plain
  // Handlers run after the response (Next's after()): the rows follow within moments.
  await expect
    .poll(async () => (await auditOf(email, "connect")).map((a) => [a.action, a.outcome]))
    .toEqual([
      ["provider_connection_attempted", "attempted"],
      ["provider_connected", "succeeded"],
    ]);
  expect(new Set((await auditOf(email, "connect")).map((a) => a.correlationId)).size).toBe(1);
  const [mail] = await waitForEmails(email, { subject: "Sandbox Bank connected" });
  expect(mail!.text).toContain("/activity");
});

for (const { name, options, reason, message } of [
  { name: "denying consent", options: { deny: true }, reason: "user_cancelled", message: /cancel/i },
  { name: "a token endpoint error", options: { outcome: "Token endpoint error" as const }, reason: "oauth_error", message: /refused|error/i },
]) {
  test(`${name} shows why, leaves the connection failed, and records ${reason}`, async ({ page }) => {
    const email = uniqueEmail("fail");
    await signIn(page, email);
    await connectSandboxBank(page, { login: uniqueLogin("bob"), ...options });

    await expect(page.getByRole("main").getByRole("alert")).toContainText("Sandbox Bank was not connected");
    await expect(page.getByRole("main").getByRole("alert")).toContainText(message);
    const card = page.getByRole("listitem", { name: "Sandbox Bank" });
    await expect(card.getByText("Failed", { exact: true })).toBeVisible();
    await expect(card.getByRole("button", { name: /^Reconnect/ })).toBeVisible();

    expect((await connectionsOf(email)).map((c) => c.status)).toEqual(["failed"]);
    await expect
      .poll(async () => (await auditOf(email, "connect")).map((a) => [a.outcome, a.reason]))
      .toEqual([
        ["attempted", null],
        ["failed", reason],
      ]);
  });
}

async function collapsedOf(email: string, action: string) {
  const [row] = await sql<{ count: number }[]>`
    select coalesce(sum(c.count), 0)::int as count from audit_collapsed c join users u on u.id = c.user_id
    where u.email = ${email} and c.action = ${action}`;
  return row?.count ?? 0;
}

test("a forged or replayed state is refused as invalid_state, and repeats collapse into one audit row and a count", async ({ page }) => {
  const email = uniqueEmail("state");
  await signIn(page, email);

  const callback = page.waitForRequest((r) => r.url().includes("/connections/callback/sandbox-bank?"));
  await connectSandboxBank(page, { login: uniqueLogin("carol") });
  const callbackUrl = (await callback).url();
  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank connected.");

  await page.goto(callbackUrl); // replay
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Sandbox Bank was not connected");
  await page.goto("/connections/callback/sandbox-bank?code=forged-code&state=forged-state");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Sandbox Bank was not connected");

  await page.goto("/connections/callback/sandbox-bank"); // no state at all
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Sandbox Bank was not connected");

  // Three requests that belong to no run of this user: one audit row, counted three times.
  await expect.poll(() => collapsedOf(email, "provider_connection_failed")).toBe(3);
  expect((await auditOf(email, "connect")).filter((a) => a.outcome === "failed").map((a) => a.reason)).toEqual(["invalid_state"]);
  expect((await connectionsOf(email)).map((c) => c.status)).toEqual(["active"]);
});

test("disconnect asks for confirmation, revokes at the Sandbox Bank, wipes the tokens and emails the user", async ({ page }) => {
  const email = uniqueEmail("disconnect");
  const login = uniqueLogin("dan");
  await signIn(page, email);
  await connectSandboxBank(page, { login });
  const revocationsBefore = (await bankControl.stats()).revocations.filter((r) => r.login === login).length;

  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await card.getByRole("button", { name: /^Disconnect/ }).click();
  await card.getByRole("button", { name: "Cancel" }).click();
  await card.getByRole("button", { name: /^Disconnect/ }).click();
  await card.getByRole("button", { name: "Yes, disconnect" }).click();

  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank disconnected.");
  await expect(page.getByText("You have not connected any bank or brokerage yet.")).toBeVisible();
  const revocations = (await bankControl.stats()).revocations.filter((r) => r.login === login);
  expect(revocations.length).toBe(revocationsBefore + 1);

  const [connection] = await connectionsOf(email);
  expect(connection).toMatchObject({ status: "disconnected", accessTokenEnc: null, refreshTokenEnc: null });
  await expect
    .poll(async () => (await auditOf(email, "disconnect")).map((a) => a.action))
    .toEqual(["provider_disconnection_attempted", "provider_disconnected"]);
  await waitForEmails(email, { subject: "Sandbox Bank disconnected" });
});

test("another user cannot disconnect my connection by replaying the action with their own session", async ({ page, browser }) => {
  const ownerEmail = uniqueEmail("owner");
  await signIn(page, ownerEmail);
  await connectSandboxBank(page, { login: uniqueLogin("erin") });
  const [owned] = await connectionsOf(ownerEmail);

  const intruderContext = await browser.newContext();
  const intruder = await intruderContext.newPage();
  const intruderEmail = uniqueEmail("intruder");
  await signIn(intruder, intruderEmail);
  await connectSandboxBank(intruder, { login: uniqueLogin("mallory") });
  const card = intruder.getByRole("listitem", { name: "Sandbox Bank" });
  await card.getByRole("button", { name: /^Disconnect/ }).click();
  // The intruder's own form, pointed at the owner's connection id.
  await card.locator('input[name="connectionId"]').last().evaluate((input, id) => ((input as HTMLInputElement).value = id), owned!.id);
  await card.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(card.getByRole("alert")).toContainText("That connection was not found");
  await intruderContext.close();

  expect((await connectionsOf(ownerEmail))[0]).toMatchObject({ id: owned!.id, status: "active" });
  await expect
    .poll(async () => (await auditOf(intruderEmail, "disconnect")).map((a) => [a.outcome, a.reason]))
    .toEqual([
      ["attempted", null],
      ["failed", "connection_not_found"],
    ]);
});

test("a grant revoked at the bank shows Reconnect after the refresh, and reconnecting makes the same connection Active", async ({ page, request }) => {
  const email = uniqueEmail("reconnect");
  const login = uniqueLogin("fay");
  await signIn(page, email);
  await connectSandboxBank(page, { login, outcome: "Approve with short-lived tokens" });
  const [before] = await connectionsOf(email);

  await bankControl.revokeAccount(login);
  const sweep = await request.get("/api/cron/refresh-tokens", { headers: { authorization: `Bearer ${cronSecret}` } });
  expect(sweep.status()).toBe(200);

  await page.goto("/connections");
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await expect(card.getByText("Revoked", { exact: true })).toBeVisible();
  await waitForEmails(email, { subject: "Reconnect Sandbox Bank" });

  await card.getByRole("button", { name: /^Reconnect/ }).click();
  await consentAtBank(page, { login });
  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank connected.");
  await expect(page.getByRole("listitem", { name: "Sandbox Bank" }).getByText("Active", { exact: true })).toBeVisible();

  const after = await connectionsOf(email);
  expect(after).toHaveLength(1);
  expect(after[0]).toMatchObject({ id: before!.id, status: "active" });
  expect((await auditOf(email, "refresh")).map((a) => [a.outcome, a.reason])).toEqual([
    ["attempted", null],
    ["failed", "provider_revoked"],
  ]);
});

test("the cron route refuses a missing or wrong secret", async ({ request }) => {
  expect((await request.get("/api/cron/refresh-tokens")).status()).toBe(401);
  expect((await request.get("/api/cron/refresh-tokens", { headers: { authorization: "Bearer nope" } })).status()).toBe(401);
});
