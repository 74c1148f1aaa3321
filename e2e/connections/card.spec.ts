import { expect, test, type Locator } from "@playwright/test";

import { MANUAL_REFRESH_RATE_LIMIT } from "../../lib/connections/refresh-now-limit";
import { formatDateTime } from "../../lib/format";
import { sql } from "../support/db";
import { bankControl, consentAtBank, uniqueLogin } from "../support/connections";
import { signIn, uniqueEmail } from "../support/sign-in";

interface CardRow {
  id: string;
  userId: string;
  status: string;
  lastRefreshedAt: Date | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

async function connectionOf(email: string): Promise<CardRow> {
  const [row] = await sql<CardRow[]>`
    select c.id, c.user_id as "userId", c.status, c.last_refreshed_at as "lastRefreshedAt",
           c.access_token_expires_at as "accessTokenExpiresAt", c.refresh_token_expires_at as "refreshTokenExpiresAt"
    from provider_connections c join users u on u.id = c.user_id where u.email = ${email}`;
  return row!;
}

async function refreshAuditOf(email: string) {
  return sql<{ outcome: string; reason: string | null }[]>`
    select a.outcome, a.reason from audit_logs a join users u on u.id = a.user_id
    where u.email = ${email} and a.workflow = 'refresh' order by a.seq`;
}

/** The value beside `term` in the card's details ("Last refresh: …"). */
const detail = (card: Locator, term: string) => card.locator("dt", { hasText: `${term}:` }).locator("xpath=following-sibling::dd");

const refreshTokenRequests = async (login: string) => (await bankControl.stats()).tokenRequests.byAccount[login]?.refreshToken ?? 0;

test("the card shows Waiting for the bank during consent, then Active with its dates; Refresh now renews the token and the dates follow", async ({ page, context }) => {
  const email = uniqueEmail("card");
  const login = uniqueLogin("gus");
  await signIn(page, email);
  await page.goto("/connections");
  await page.getByRole("form", { name: "Connect Sandbox Bank" }).getByRole("button", { name: "Connect" }).click();
  await expect(page.getByLabel("Username")).toBeVisible(); // at the bank's consent page

  // Meanwhile, in another tab, the dashboard shows the connection as pending, with nothing to refresh.
  const other = await context.newPage();
  await other.goto("/connections");
  const pendingCard = other.getByRole("listitem", { name: "Sandbox Bank" });
  await expect(pendingCard.getByText("Waiting for the bank", { exact: true })).toBeVisible();
  await expect(pendingCard.getByRole("button", { name: /^Refresh now/ })).toHaveCount(0);
  await expect(detail(pendingCard, "Access token expires")).toHaveText("—");
  await other.close();

  await consentAtBank(page, { login });
  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank connected.");
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  const connected = await connectionOf(email);
  expect(connected.accessTokenExpiresAt).not.toBeNull();
  expect(connected.refreshTokenExpiresAt).not.toBeNull();
  await expect(detail(card, "Last refresh")).toHaveText("—");
  await expect(detail(card, "Access token expires")).toContainText(formatDateTime(connected.accessTokenExpiresAt));
  await expect(detail(card, "Reconnect needed by")).toContainText(formatDateTime(connected.refreshTokenExpiresAt));

  await card.getByRole("button", { name: /^Refresh now/ }).click();
  await expect(card.getByRole("status")).toHaveText("Refreshed just now.");
  const refreshed = await connectionOf(email);
  expect(refreshed.status).toBe("active");
  expect(refreshed.lastRefreshedAt).not.toBeNull();
  expect(refreshed.accessTokenExpiresAt!.getTime()).toBeGreaterThan(connected.accessTokenExpiresAt!.getTime());
  await expect(detail(card, "Last refresh")).toHaveText(formatDateTime(refreshed.lastRefreshedAt));
  await expect(detail(card, "Access token expires")).toContainText(formatDateTime(refreshed.accessTokenExpiresAt));
  // Rotation does not extend the grant: the reconnect-by date stays.
  await expect(detail(card, "Reconnect needed by")).toContainText(formatDateTime(connected.refreshTokenExpiresAt));
  expect(await refreshTokenRequests(login)).toBe(1);
});

test("Refresh now is rate-limited per user: past the limit it says so, asks the bank nothing and records rate_limited", async ({ page }) => {
  const email = uniqueEmail("refresh-limit");
  const login = uniqueLogin("hal");
  await signIn(page, email);
  await page.goto("/connections");
  await page.getByRole("form", { name: "Connect Sandbox Bank" }).getByRole("button", { name: "Connect" }).click();
  await consentAtBank(page, { login });
  await expect(page.getByRole("main").getByRole("status")).toHaveText("Sandbox Bank connected.");
  const { userId } = await connectionOf(email);

  // Use up all but one of this window's refreshes (the limit's own fixed window, as lib/rate-limit.ts counts).
  const windowMs = MANUAL_REFRESH_RATE_LIMIT.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(Date.now() / windowMs) * windowMs);
  await sql`insert into rate_limits (key, window_start, count)
            values (${`refresh:${userId}`}, ${windowStart.toISOString()}, ${MANUAL_REFRESH_RATE_LIMIT.limit - 1})`;

  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await card.getByRole("button", { name: /^Refresh now/ }).click(); // the last one allowed
  await expect(card.getByRole("status")).toHaveText("Refreshed just now.");
  expect(await refreshTokenRequests(login)).toBe(1);

  await card.getByRole("button", { name: /^Refresh now/ }).click(); // one too many
  await expect(card.getByRole("alert")).toContainText("You have refreshed several times in a short while");
  expect(await refreshTokenRequests(login)).toBe(1);
  expect((await connectionOf(email)).status).toBe("active");
  await expect
    .poll(async () => (await refreshAuditOf(email)).map((a) => [a.outcome, a.reason]))
    .toEqual([
      ["attempted", null],
      ["succeeded", null],
      ["attempted", null],
      ["failed", "rate_limited"],
    ]);
});
