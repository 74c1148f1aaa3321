import { execFileSync } from "node:child_process";

import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { connectAtSandboxBank, downloadText, parseCsv } from "../admin/audit-helpers";
import { bankControl } from "../support/connections";
import { sql } from "../support/db";
import { e2eAdminEmail, e2eEnv, E2E_PORTS } from "../support/e2e-env";
import { listEmails, waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";

const smtpControl = `http://127.0.0.1:${E2E_PORTS.smtpHttp}`;

async function userByEmail(email: string) {
  const [row] = await sql<{ id: string; timeZone: string | null }[]>`select id, time_zone as "timeZone" from users where email = ${email}`;
  return row;
}

/** The clock at `at` in `zone`: two-digit hours and the zone's short name as `locale` writes it (pages: en-GB, emails: en-US). */
function clockIn(at: Date, zone: string, locale = "en-GB") {
  const format = new Intl.DateTimeFormat(locale, { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { hour: parts.hour!, minute: parts.minute!, second: parts.second!, timeZoneName: parts.timeZoneName! };
}

/** The audit row of the user's connection (written by the audit handler, shortly after the redirect). */
async function connectedRun(email: string): Promise<{ at: Date; correlationId: string }> {
  const userId = (await userByEmail(email))!.id;
  let run: { at: Date; correlationId: string } | undefined;
  await expect
    .poll(async () => {
      [run] = await sql<{ at: Date; correlationId: string }[]>`
        select occurred_at as at, correlation_id as "correlationId" from audit_logs where user_id = ${userId} and action = 'provider_connected'`;
      return run;
    })
    .toBeDefined();
  return run!;
}

function dayIn(at: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test.describe("times in the viewer's zone", () => {
  test.use({ timezoneId: "America/New_York" });

  test("the browser's zone is detected, remembered and shown; it can be changed in /settings", async ({ page }) => {
    test.setTimeout(90_000);
    const email = uniqueEmail("zone");
    await signIn(page, email);
    await expect.poll(async () => (await userByEmail(email))?.timeZone).toBe("America/New_York");
    await page.goto("/settings");
    await expect(page.getByTestId("current-time-zone")).toContainText("America/New_York");
    await page.getByRole("combobox", { name: "Time zone" }).selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Save time zone" }).click();
    await expect(page.getByRole("main").getByRole("status")).toContainText("Asia/Tokyo");
    await page.reload();
    await expect(page.getByTestId("current-time-zone")).toContainText("Asia/Tokyo");
    await page.goto("/activity");
    await expect(page.getByText(/times in .*Asia\/Tokyo/)).toBeVisible();
  });

  test("the connected email is written in the recipient's stored zone, named", async ({ page }) => {
    test.setTimeout(90_000);
    const email = uniqueEmail("zone-mail");
    await signIn(page, email);
    await expect.poll(async () => (await userByEmail(email))?.timeZone).toBe("America/New_York");
    await connectAtSandboxBank(page, { login: `zone-mail-${Date.now()}` });
    const [mail] = await waitForEmails(email, { subject: "Sandbox Bank connected" });
    const run = await connectedRun(email);
    const local = clockIn(run.at, "America/New_York", "en-US");
    expect(mail!.text).toContain(`When: `);
    expect(mail!.text).toContain(`at ${local.hour}:${local.minute} ${local.timeZoneName} (America/New_York)`);
  });

  test("the admin timeline switches between UTC and the admin's zone; day filters are days in the chosen zone", async ({ page, browser }) => {
    test.setTimeout(150_000);
    const email = uniqueEmail("zone-run");
    const user = await browser.newContext({ timezoneId: "UTC" });
    const userPage = await user.newPage();
    await signIn(userPage, email);
    await connectAtSandboxBank(userPage, { login: `zone-run-${Date.now()}` });
    await user.close();
    const run = await connectedRun(email);
    // A zone in which the run falls on another day than in UTC, whatever the hour of this test.
    const zone = run.at.getUTCHours() < 10 ? "Pacific/Honolulu" : "Pacific/Kiritimati";
    const localDay = dayIn(run.at, zone);
    const utcDay = run.at.toISOString().slice(0, 10);
    expect(localDay).not.toBe(utcDay);

    // The admin's stored zone is this test's choice (after the browser's has been detected), restored afterwards.
    const adminZone = async () => (await sql<{ timeZone: string | null }[]>`select time_zone as "timeZone" from users where email = ${e2eAdminEmail}`)[0]?.timeZone ?? null;
    const before = await adminZone();
    await signIn(page, e2eAdminEmail, { returnTo: "/admin/operations" });
    await expect.poll(adminZone).not.toBeNull();
    await sql`update users set time_zone = ${zone} where email = ${e2eAdminEmail}`;
    try {
      await page.goto(`/admin/audit?user=${encodeURIComponent(email)}&tz=utc`);
      const zoneLine = page.getByTestId("timeline-zone");
      await expect(zoneLine).toContainText("UTC");
      const row = page.locator(`[data-correlation-id="${run.correlationId}"]`);
      const utc = clockIn(run.at, "UTC");
      await expect(row.locator("summary time")).toContainText(`${utc.hour}:${utc.minute}:${utc.second} UTC`);

      // The switch is two links: reachable and followed with the keyboard.
      const switcher = page.getByRole("navigation", { name: "Time zone of the timeline" });
      await expect(switcher.getByRole("link", { name: "UTC" })).toHaveAttribute("aria-current", "true");
      await switcher.getByRole("link", { name: `Local (${zone})` }).focus();
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/tz=local/);
      await expect(zoneLine).toContainText(zone);
      const local = clockIn(run.at, zone);
      await expect(row.locator("summary time")).toContainText(`${local.hour}:${local.minute}:${local.second} ${local.timeZoneName}`);
      await expect(page.getByText(`Runs per day by outcome (days in ${zone})`)).toBeVisible();

      // The day the run falls on in the admin's zone finds it; in UTC that day does not.
      const filters = page.getByRole("form", { name: "Filter the audit timeline" });
      await filters.getByLabel(/^From/).fill(localDay);
      await filters.getByLabel(/^To/).fill(localDay);
      await filters.getByRole("button", { name: "Apply filters" }).click();
      await expect(page).toHaveURL(new RegExp(`from=${localDay}.*tz=local`));
      await expect(row).toBeVisible();
      const exportLink = page.getByRole("link", { name: "Export CSV" });
      await expect(exportLink).toHaveAttribute("href", /tz=local/);
      const [download] = await Promise.all([page.waitForEvent("download"), exportLink.click()]);
      const exported = parseCsv(await downloadText(download));
      expect(exported.map((r) => r.correlationId)).toContain(run.correlationId);
      // ISO times with an offset (UTC's `Z`), as before.
      for (const r of exported) expect(r.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);

      await switcher.getByRole("link", { name: "UTC" }).click();
      await expect(page).toHaveURL(new RegExp(`from=${localDay}.*tz=utc`));
      await expect(page.getByText("No runs match these filters.")).toBeVisible();
      const [utcDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
      expect(parseCsv(await downloadText(utcDownload)).map((r) => r.correlationId)).not.toContain(run.correlationId);

      // Anything else in `tz` is a bad address.
      const bad = await page.goto("/admin/audit?tz=Europe%2FParis");
      expect(bad?.status()).toBe(404);
      await page.goto("/admin/operations");
      await expect(page.getByTestId("operations-zone")).toContainText(zone);
    } finally {
      await sql`update users set time_zone = ${before} where email = ${e2eAdminEmail}`;
    }
  });
});

test("a connection is renamed, then disconnected; it stays under Past connections with its revocation outcome", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("past");
  await signIn(page, email);
  await connectAtSandboxBank(page, { login: `past-${Date.now()}` });
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await card.getByRole("button", { name: /^Rename/ }).click();
  await card.getByLabel("New name").fill("   ");
  await card.getByRole("button", { name: "Save name" }).click();
  await expect(card.getByText("Give the connection a name.")).toBeVisible();
  await card.getByLabel("New name").fill("x".repeat(61));
  await card.getByRole("button", { name: "Save name" }).click();
  await expect(card.getByText("Keep the name under 60 characters.")).toBeVisible();
  await card.getByLabel("New name").fill("Joint account");
  await card.getByRole("button", { name: "Save name" }).click();

  const renamed = page.getByRole("listitem", { name: "Joint account (Sandbox Bank)" });
  await expect(renamed).toBeVisible();
  await renamed.getByRole("button", { name: /^Disconnect/ }).click();
  await renamed.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(page.getByRole("main").getByText("Sandbox Bank disconnected.")).toBeVisible();

  await page.getByText(/Past connections/).click();
  const past = page.getByRole("listitem", { name: "Past: Joint account (Sandbox Bank)" });
  await expect(past).toContainText("Access revoked at Sandbox Bank");
  await expect(past).toContainText("Disconnected");

  const user = await userByEmail(email);
  await expect
    .poll(async () => {
      const [row] = await sql<{ outcome: string | null }[]>`
        select metadata->>'revocationOutcome' as outcome from audit_logs where user_id = ${user!.id} and action = 'provider_disconnected'`;
      return row?.outcome;
    })
    .toBe("revoked");
  await expectAccessible(page);
});

test("a revocation the bank refuses shows as failed, with what to do, under Past connections and on the admin timeline", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("revoke-fails");
  const login = `revoke-fails-${Date.now()}`;
  await signIn(page, email);
  await connectAtSandboxBank(page, { login });
  await bankControl.setAccount(login, { tokenEndpoint: "ok", revocationEndpoint: "unavailable" });
  const card = page.getByRole("listitem", { name: "Sandbox Bank" });
  await card.getByRole("button", { name: /^Disconnect/ }).click();
  await card.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(page.getByRole("main").getByText("Sandbox Bank disconnected.")).toBeVisible();
  await page.getByText(/Past connections/).click();
  const past = page.getByRole("listitem", { name: "Past: Sandbox Bank" });
  await expect(past).toContainText("Revocation at the bank failed");
  await expect(past).toContainText("Remove Ledgerlink from the connected apps in your Sandbox Bank settings.");

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, e2eAdminEmail, { returnTo: "/admin/audit" });
  await expect
    .poll(async () => {
      await admin.goto(`/admin/audit?user=${encodeURIComponent(email)}&workflow=disconnect`);
      return admin.locator("[data-correlation-id]").count();
    })
    .toBeGreaterThan(0);
  await admin.locator("[data-correlation-id] summary").first().click();
  await expect(admin.getByTestId("revocation-outcome")).toContainText("Revocation failed at Sandbox Bank");
  await adminContext.close();
});

test("a browser zone we do not recognise stores nothing, and /settings names it and asks for a choice", async ({ page }) => {
  test.setTimeout(90_000);
  // Playwright cannot give the browser an unknown timezoneId; the page's own Intl is told one instead.
  await page.addInitScript(() => {
    const resolved = Intl.DateTimeFormat.prototype.resolvedOptions;
    Intl.DateTimeFormat.prototype.resolvedOptions = function (this: Intl.DateTimeFormat) {
      return { ...resolved.call(this), timeZone: "Mars/Olympus_Mons" };
    };
  });
  const email = uniqueEmail("zone-unknown");
  await signIn(page, email);
  // The detector has had its answer (the tab remembers it) before the next page is asked for.
  await expect
    .poll(() => page.evaluate(() => window.sessionStorage.getItem("ledgerlink:unrecognised-time-zone-reported")), { timeout: 30_000 })
    .toBe("Mars/Olympus_Mons");
  await page.goto("/settings");
  await expect(page.getByTestId("unrecognised-time-zone")).toContainText("Your browser’s zone (Mars/Olympus_Mons) is not recognised; times are shown in UTC.");
  await expect(page.getByTestId("current-time-zone")).toContainText("UTC");
  expect((await userByEmail(email))?.timeZone).toBeNull();
  await page.getByRole("combobox", { name: "Time zone" }).selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Asia/Tokyo");
  await page.reload();
  await expect(page.getByTestId("unrecognised-time-zone")).toHaveCount(0);
  await expect.poll(async () => (await userByEmail(email))?.timeZone).toBe("Asia/Tokyo");
});

test("another device is listed and signed out; the sign-in and sign-out show in the activity", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const email = uniqueEmail("devices");
  await signIn(page, email);
  const other = await browser.newContext({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1" });
  const otherPage = await other.newPage();
  await signIn(otherPage, email);

  await page.goto("/settings");
  const phone = page.getByRole("listitem", { name: "Safari on iPhone" });
  await expect(phone).toBeVisible();
  await expect(page.getByText("This device")).toBeVisible();
  await expectAccessible(page);
  await phone.getByRole("button", { name: /^Sign out/ }).click();
  await expect(page.getByRole("listitem", { name: "Safari on iPhone" })).toHaveCount(0);

  await otherPage.goto("/connections");
  await expect(otherPage).toHaveURL(/\/signin/);
  await other.close();

  await page.goto("/activity");
  await expect(page.getByText("You signed a device out")).toBeVisible();
  await expect(page.getByText("You signed in").first()).toBeVisible();
});

test("the activity is downloaded as CSV and NDJSON, only the user's own records", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("mydata");
  await signIn(page, email);
  await connectAtSandboxBank(page, { login: `mydata-${Date.now()}` });
  const user = await userByEmail(email);
  await page.goto("/settings");
  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  const records = parseCsv(await downloadText(csvDownload));
  expect(records.length).toBeGreaterThanOrEqual(2);
  for (const r of records) expect(r.userId).toBe(user!.id);
  expect(records.map((r) => r.action)).toContain("provider_connected");
  expect(records[0]!.occurredAt).toMatch(/T.*(Z|[+-]\d\d:\d\d)$/);

  const response = await page.request.get("/activity/export?format=ndjson");
  expect(response.status()).toBe(200);
  const lines = (await response.text()).trim().split("\n").map((l) => JSON.parse(l) as { userId?: string; type?: string });
  for (const line of lines) if (line.type !== "checkpoint") expect(line.userId).toBe(user!.id);
});

test("an account is deleted: grants revoked at the bank, email gone, audit rows kept and the chain verified", async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("delete");
  const login = `delete-${Date.now()}`;
  await signIn(page, email);
  await connectAtSandboxBank(page, { login });
  const user = (await userByEmail(email))!;
  const before = (await sql<{ n: number }[]>`select count(*)::int as n from audit_logs where user_id = ${user.id}`)[0]!.n;

  await page.goto("/settings");
  await page.getByLabel("Type your email address to confirm").fill(`someone-else-${email}`);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Nothing was deleted");
  expect(await userByEmail(email)).toBeTruthy();

  await page.getByLabel("Type your email address to confirm").fill(email);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/signin/);

  expect(await userByEmail(email)).toBeUndefined();
  const [row] = await sql<{ email: string; deletedAt: Date | null }[]>`select email, deleted_at as "deletedAt" from users where id = ${user.id}`;
  expect(row!.email).not.toContain(email);
  expect(row!.deletedAt).not.toBeNull();
  const sessions = (await sql<{ n: number }[]>`select count(*)::int as n from sessions where user_id = ${user.id}`)[0]!.n;
  expect(sessions).toBe(0);

  const stats = await bankControl.stats();
  expect(stats.revocations.some((r) => r.login === login)).toBe(true);
  await waitForEmails(email, { subject: "Sandbox Bank disconnected" });
  await waitForEmails(email, { subject: "Your Ledgerlink account was deleted" });

  await expect
    .poll(async () => (await sql<{ n: number }[]>`select count(*)::int as n from audit_logs where user_id = ${user.id}`)[0]!.n)
    .toBeGreaterThan(before);
  // The deleted account's placeholder address gets no sign-in link (Auth.js's signIn callback refuses it).
  await sql`delete from rate_limits where key = ${`sign-in:${row!.email}`}`;
  await page.goto("/signin");
  await page.getByLabel("Email address").fill(row!.email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("We could not send a sign-in link to that address.");
  await expect(page).not.toHaveURL(/check-email/);
  expect((await listEmails()).filter((m) => m.to.includes(row!.email))).toHaveLength(0);

  const verified = execFileSync("npx", ["tsx", "scripts/audit-verify.ts"], { env: { ...process.env, ...e2eEnv }, encoding: "utf8" });
  // execFileSync throws on a non-zero exit: the chain and the newest checkpoint hold.
  const summary = verified.split("\n").find((line) => line.startsWith('{"ok":'));
  expect(JSON.parse(summary!)).toMatchObject({ ok: true });
});

test("an admin retries a failed email once the SMTP server is back; non-admins get 404", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const email = uniqueEmail("smtpdown");
  await signIn(page, email);
  await fetch(`${smtpControl}/refuse`, { method: "POST" });
  let user: { id: string } | undefined;
  try {
    await connectAtSandboxBank(page, { login: `smtpdown-${Date.now()}` });
    user = (await userByEmail(email))!;
    const userId = user.id;
    await expect
      .poll(async () => (await sql<{ status: string }[]>`select status from email_deliveries where user_id = ${userId} and subject = 'Sandbox Bank connected'`)[0]?.status)
      .toBe("retrying");
  } finally {
    await fetch(`${smtpControl}/accept`, { method: "POST" });
  }

  expect((await page.request.get("/admin/operations")).status()).toBe(404);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, e2eAdminEmail, { returnTo: "/admin/operations" });
  await expect(admin.getByRole("heading", { name: "Operations", level: 1 })).toBeVisible();
  await expectAccessible(admin);
  const item = admin.getByRole("listitem", { name: "Email: Sandbox Bank connected" }).first();
  await item.getByRole("button", { name: /^Retry now/ }).click();
  // Sent: the item leaves the list (re-rendered after the action).
  await expect(admin.getByRole("listitem", { name: "Email: Sandbox Bank connected" })).toHaveCount(0);
  await waitForEmails(email, { subject: "Sandbox Bank connected" });
  // One audit row, by this admin, for this email, saying it was sent.
  const adminId = (await userByEmail(e2eAdminEmail))!.id;
  const [delivery] = await sql<{ id: string }[]>`select id from email_deliveries where user_id = ${user!.id} and subject = 'Sandbox Bank connected'`;
  const audited = await sql<{ result: string }[]>`
    select metadata->>'result' as result from audit_logs
    where action = 'operation_retried' and user_id = ${adminId} and metadata->>'target' = ${`email:${delivery!.id}`}`;
  expect(audited.map((r) => r.result)).toEqual(["sent"]);
  await adminContext.close();
});

test("existing and new pages have no serious or critical accessibility violations, at phone width too", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/signin");
  await expectAccessible(page);
  await signIn(page, uniqueEmail("axe"));
  for (const path of ["/connections", "/activity", "/settings"]) {
    await page.goto(path);
    await expectAccessible(page);
  }
  const adminContext = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const admin = await adminContext.newPage();
  await signIn(admin, e2eAdminEmail, { returnTo: "/admin/audit" });
  await expectAccessible(admin);
  await admin.goto("/admin/operations");
  await expectAccessible(admin);
  // A production server has no development mailbox, not even for an admin; its pages are
  // checked under `npm run dev` (e2e-dev/dev-mailbox.spec.ts).
  expect((await admin.request.get("/dev/mailbox")).status()).toBe(404);
  await adminContext.close();
});
