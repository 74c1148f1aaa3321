import AxeBuilder from "@axe-core/playwright";
import { expect, test, type ConsoleMessage, type Page } from "@playwright/test";

/** No serious or critical axe violation, at desktop and at phone width. */
async function expectAccessible(page: Page) {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }]) {
    await page.setViewportSize(viewport);
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), `${viewport.width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// `npm run dev` with no configuration: sign in through the development mailbox, read the email
// in its preview (under the same Content-Security-Policy as every page), follow its link.
test("with nothing configured, a newcomer signs in through the development mailbox and its preview", async ({ page }) => {
  const cspViolations: string[] = [];
  const collect = (message: ConsoleMessage) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) cspViolations.push(message.text());
  };
  page.on("console", collect);

  const email = `newcomer-${Date.now()}@example.com`;
  // `next dev` compiles the page and its server action on first use: let it settle first.
  // (It also reloads the page when files under the project change, e.g. a git commit in
  // another terminal: then the form is filled in again.)
  await page.goto("/signin");
  await expect(async () => {
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect(page).toHaveURL(/\/signin\/check-email/, { timeout: 30_000 });
  }).toPass({ timeout: 180_000 });

  const response = await page.goto("/dev/mailbox");
  expect(response?.headers()["content-security-policy"]).toMatch(/script-src[^;]*'nonce-/);
  await expect(page.getByRole("heading", { name: "Development mailbox" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: new RegExp(`Sign in to Ledgerlink.*To ${email.replace(/[.]/g, "\\.")}`) }).first().click();
  await expect(page.getByRole("heading", { name: "Sign in to Ledgerlink" })).toBeVisible();

  // The HTML preview renders inside its sandboxed frame, and its link signs the newcomer in.
  const preview = page.frameLocator('iframe[title^="HTML of"]');
  const link = preview.getByRole("link", { name: /sign in/i }).first();
  await expect(link).toBeVisible();
  expect(await link.getAttribute("href")).toContain("/api/auth/callback/nodemailer");
  // Clicked as a person would: the email's links open a new tab (the preview's sandbox lets
  // them), where the sign-in completes.
  const [tab] = await Promise.all([page.waitForEvent("popup"), link.click()]);
  tab.on("console", collect);
  await expect(tab).toHaveURL(/\/connections/);
  await expect(tab.getByRole("heading", { name: "Connections", exact: true })).toBeVisible();
  await expect(tab.getByText(email)).toBeVisible();

  expect(cspViolations).toEqual([]);
});
