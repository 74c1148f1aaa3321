import { expect, test, type Browser } from "@playwright/test";

import { sql } from "../support/db";
import { e2eAdminEmail } from "../support/e2e-env";
import { waitForEmails } from "../support/mailbox";
import { signIn, uniqueEmail } from "../support/sign-in";
import { connectAtSandboxBank, downloadText, listedRuns, parseCsv, writePastRuns } from "./audit-helpers";

async function newSignedInPage(browser: Browser, email: string, returnTo = "/connections") {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, { returnTo });
  return { context, page };
}

async function accessRows(action: string, since: Date) {
  return sql<{ metadata: { filters: Record<string, string>; format?: string; filename?: string }; actorUserId: string; ipAddress: string | null }[]>`
    select a.metadata, a.actor_user_id as "actorUserId", a.ip_address as "ipAddress"
    from audit_logs a join users u on u.id = a.actor_user_id
    where u.email = ${e2eAdminEmail} and a.action = ${action} and a.workflow = 'admin' and a.recorded_at >= ${since}
    order by a.seq`;
}

test("an admin filters by user, provider and outcome, pages forward and back, opens a run, and exports what the page shows", async ({ browser }) => {
  // Long on a loaded machine: a connect, 60 past runs, paging, two exports, prefetch checks.
  test.setTimeout(240_000);
  const started = new Date(Date.now() - 1_000);

  // Real history for one person: a connect at the Sandbox Bank, and one they denied.
  const person = uniqueEmail("audited");
  const { context: personContext, page: personPage } = await newSignedInPage(browser, person);
  await connectAtSandboxBank(personPage, { login: `audited-${Date.now()}` });
  await connectAtSandboxBank(personPage, { login: `audited-${Date.now()}`, deny: true });
  await waitForEmails(person, { subject: "Sandbox Bank connected" });
  await personContext.close();
  // …and months of scheduled refreshes and a few failures, written through the audit writer.
  const refreshes = writePastRuns(person, [
    ...Array.from({ length: 55 }, (_, i) => ({
      workflow: "refresh" as const, outcome: "succeeded" as const, providerSlug: "sandbox-bank", providerName: "Sandbox Bank", minutesAgo: 60 + i * 360, system: true,
    })),
    ...Array.from({ length: 4 }, (_, i) => ({
      workflow: "refresh" as const, outcome: "failed" as const, reason: "provider_unavailable" as const, providerSlug: "sandbox-bank", providerName: "Sandbox Bank", minutesAgo: 90 + i * 600, system: true,
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      workflow: "connect" as const, outcome: "succeeded" as const, providerSlug: "acme-bank", providerName: "Acme Bank", minutesAgo: 120 + i * 900,
    })),
  ]).slice(0, 55);
  const [{ id: personId } = { id: "" }] = await sql<{ id: string }[]>`select id from users where email = ${person}`;
  const [realConnect] = await sql<{ correlationId: string }[]>`
    select correlation_id as "correlationId" from audit_logs where user_id = ${personId} and action = 'provider_connected'
      and provider_slug = 'sandbox-bank'`;

  const { context, page } = await newSignedInPage(browser, e2eAdminEmail, "/admin/audit");
  await expect(page.getByRole("heading", { name: "Audit timeline", level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Hash chain verified" })).toBeVisible();

  const filters = page.getByRole("form", { name: "Filter the audit timeline" });
  await filters.getByLabel("User email").fill(person);
  await filters.getByLabel("Provider").selectOption("sandbox-bank");
  await filters.getByLabel("Outcome").selectOption("succeeded");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  // The view is in the URL (and only what was chosen), so it can be shared.
  await expect(page).toHaveURL(new RegExp(`/admin/audit\\?user=${encodeURIComponent(person)}&provider=sandbox-bank&outcome=succeeded$`));

  const expected = [realConnect!.correlationId, ...refreshes];
  const items = page.getByRole("main").getByRole("listitem").filter({ has: page.locator("details") });
  await expect(items).toHaveCount(50);
  for (const label of await items.evaluateAll((els) => els.map((el) => el.getAttribute("aria-label")))) {
    expect(label).toMatch(/Sandbox Bank, succeeded,/);
  }
  const firstPage = await listedRuns(page);
  expect(firstPage[0]).toBe(realConnect!.correlationId); // newest first

  await page.getByRole("navigation", { name: "Timeline pages" }).getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/older=/);
  await expect(items).toHaveCount(expected.length - 50);
  const secondPage = await listedRuns(page);
  expect(new Set([...firstPage, ...secondPage])).toEqual(new Set(expected));
  expect(firstPage.length + secondPage.length).toBe(expected.length);
  await expect(page.getByText("Older →")).toHaveAttribute("aria-disabled", "true");

  await page.getByRole("navigation", { name: "Timeline pages" }).getByRole("link", { name: "← Newer" }).click();
  await expect(page).toHaveURL(/newer=/);
  await expect(items).toHaveCount(50);
  expect(await listedRuns(page)).toEqual(firstPage);

  // Open the real connect run: both events, their metadata, and the email with its delivery state.
  const run = page.locator(`[data-correlation-id="${realConnect!.correlationId}"]`);
  await run.locator("summary").click();
  const details = run.locator("details");
  await expect(details.getByRole("cell", { name: /Connection attempted/ })).toBeVisible();
  await expect(details.getByRole("cell", { name: /^Connected/ })).toBeVisible();
  await expect(details.getByText('"providerName": "Sandbox Bank"').first()).toBeVisible();
  await expect(details.getByText(realConnect!.correlationId)).toBeVisible();
  const email = details.getByRole("listitem").filter({ hasText: "“Sandbox Bank connected”" });
  await expect(email).toContainText(person);
  await expect(email.getByText("Sent", { exact: true })).toBeVisible();

  // Both exports hold exactly the runs the pages showed, every event of each.
  for (const format of ["CSV", "NDJSON"] as const) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: `Export ${format}` }).click()]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^ledgerlink-audit_all-workflows_succeeded_sandbox-bank_user-audited-.*_all-time_exported-\\d{8}T\\d{4}Z\\.${format.toLowerCase()}$`),
    );
    const text = await downloadText(download);
    const lines = format === "CSV" ? parseCsv(text) : text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    // The NDJSON export ends with its signed checkpoint line (docs/AUDIT-FORMAT.md); the rest are records.
    const records = lines.filter((line) => line.type !== "checkpoint");
    if (format === "NDJSON") expect(lines.at(-1)).toMatchObject({ type: "checkpoint", scope: "filtered" });
    expect(new Set(records.map((r) => r.correlationId))).toEqual(new Set(expected));
    expect(records).toHaveLength(expected.length * 2);
    for (const record of records) {
      expect(record).toMatchObject({ userId: personId, providerSlug: "sandbox-bank" });
      expect(["attempted", "succeeded"]).toContain(record.outcome);
    }
  }

  // Viewing and exporting are in the audit trail, with the filters used.
  const views = await accessRows("audit_log_viewed", started);
  expect(views.length).toBeGreaterThanOrEqual(4); // unfiltered, filtered, older, newer
  expect(views.at(-1)!.metadata.filters).toEqual({ user: person, provider: "sandbox-bank", outcome: "succeeded" });
  const exports = await accessRows("audit_log_exported", started);
  expect(exports.map((e) => e.metadata.format)).toEqual(["csv", "ndjson"]);
  expect(exports[0]!.metadata.filters).toEqual({ user: person, provider: "sandbox-bank", outcome: "succeeded" });

  // They stay out of the workflow runs unless asked for.
  await page.goto("/admin/audit?workflow=admin");
  await expect(items.first()).toHaveAttribute("aria-label", /^Audit log access Ledgerlink, succeeded/);

  // Prefetches (Sec-Purpose / Purpose / Next's router) are checked in audit-prefetch.spec.ts.
  // Pages that merely link to the timeline (the header's Admin link) record nothing.
  const before = (await accessRows("audit_log_viewed", started)).length;
  await page.goto("/connections");
  await page.getByRole("link", { name: "Admin" }).hover();
  await page.waitForTimeout(1_000);
  expect((await accessRows("audit_log_viewed", started)).length).toBe(before);
  await context.close();
});

test("a non-admin gets 404 on the audit page and on the export", async ({ page }) => {
  await signIn(page, uniqueEmail("not-admin"));
  const response = await page.goto("/admin/audit");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  for (const format of ["csv", "ndjson"]) {
    const exported = await page.request.get(`/admin/audit/export?format=${format}`, { maxRedirects: 0 });
    expect(exported.status()).toBe(404);
    expect(exported.headers()["content-disposition"]).toBeUndefined();
  }
});
