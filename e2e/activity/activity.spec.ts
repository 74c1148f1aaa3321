import { expect, test } from "@playwright/test";

import { sql } from "../support/db";
import { e2eEnv } from "../support/e2e-env";
import { linkIn, waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";
import { connectAtSandboxBank, listedRuns } from "../admin/audit-helpers";

async function runsOf(email: string) {
  const rows = await sql<{ correlationId: string }[]>`
    select distinct a.correlation_id as "correlationId" from audit_logs a join users u on u.id = a.user_id
    where u.email = ${email} and a.workflow in ('connect', 'disconnect', 'refresh')`;
  return rows.map((r) => r.correlationId);
}

test("a user's /activity shows their own events in plain words, and none of anyone else's", async ({ page, browser }) => {
  test.setTimeout(90_000);
  // Someone else, busy at the same bank.
  const stranger = uniqueEmail("stranger");
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, stranger);
  await connectAtSandboxBank(otherPage, { login: `stranger-${Date.now()}` });
  await connectAtSandboxBank(otherPage, { login: `stranger-${Date.now()}`, deny: true });
  await other.close();

  const me = uniqueEmail("me");
  await signIn(page, me);
  await connectAtSandboxBank(page, { login: `me-${Date.now()}` });
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await card.getByRole("button", { name: /^Disconnect/ }).click();
  await card.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank disconnected.");
  await connectAtSandboxBank(page, { login: `me-${Date.now()}`, deny: true });

  // The "wasn't you?" line of the email leads here.
  const [connected] = await waitForEmails(me, { subject: "Sandbox Bank connected" });
  await page.goto(linkIn(connected!, `${e2eEnv.APP_URL}/activity`));
  await expect(page.getByRole("heading", { name: "Activity", level: 1 })).toBeVisible();

  const main = page.getByRole("main");
  await expect(main.getByText("You disconnected Sandbox Bank")).toBeVisible();
  await expect(main.getByText("You connected Sandbox Bank")).toBeVisible();
  await expect(main.getByText("Connecting Sandbox Bank did not work")).toBeVisible();
  await expect(main.getByText("The connection was cancelled at the provider.")).toBeVisible();
  await expect(main.getByText(/from IP address/).first()).toBeVisible();

  const shown = await listedRuns(page);
  expect(new Set(shown)).toEqual(new Set(await runsOf(me)));
  expect(shown).toHaveLength(3);
  for (const id of await runsOf(stranger)) expect(shown).not.toContain(id);

  await main.getByRole("link", { name: "Only problems" }).click();
  await expect(page).toHaveURL(/show=problems/);
  await expect(main.getByText("Connecting Sandbox Bank did not work")).toBeVisible();
  expect(await listedRuns(page)).toHaveLength(1);
});
