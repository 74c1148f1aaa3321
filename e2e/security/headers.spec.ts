import { expect, test, type ConsoleMessage } from "@playwright/test";

import { connectSandboxBank, uniqueLogin } from "../support/connections";
import { signIn, uniqueEmail } from "../support/sign-in";

/** The script-src of a Content-Security-Policy header. */
function scriptSrc(csp: string): string {
  return csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
}

test("every page carries the security headers, and signing in and connecting a bank raise no CSP violation", async ({ page }) => {
  const violations: string[] = [];
  const watch = (message: ConsoleMessage) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  };
  page.on("console", watch);
  page.on("pageerror", (error) => violations.push(error.message));

  const signinPage = await page.goto("/signin");
  const headers = signinPage!.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(scriptSrc(csp)).toMatch(/'nonce-[A-Za-z0-9+/_=-]+'/);
  expect(scriptSrc(csp)).not.toContain("'unsafe-inline'");
  expect(csp).not.toMatch(/default-src[^;]*'unsafe-inline'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  // APP_URL is http here: no HSTS (an https APP_URL gets it; see the unit test).
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Next's own scripts carry this request's nonce, and the next request gets another one.
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc(csp))![1]!;
  const scripts = page.locator("script");
  expect(await scripts.count()).toBeGreaterThan(0);
  for (const script of await scripts.all()) {
    expect(await script.evaluate((s: HTMLScriptElement) => s.nonce)).toBe(nonce);
  }
  const again = await page.request.get("/signin");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce);

  // The app works under the policy: sign in through the form, connect the Sandbox Bank.
  await signIn(page, uniqueEmail("csp"));
  await connectSandboxBank(page, { login: uniqueLogin("csp") });
  await expect(page.getByRole("status")).toContainText("Sandbox Bank connected.");
  for (const path of ["/connections", "/activity"]) {
    const response = await page.goto(path);
    expect(response!.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  // Client-side navigation (React hydrated, its scripts allowed) still works.
  await page.getByRole("link", { name: "Only problems" }).click();
  await expect(page).toHaveURL(/show=problems/);

  // Route handlers and API answers carry them too.
  const health = await page.request.get("/api/health");
  expect(health.headers()["x-content-type-options"]).toBe("nosniff");
  expect(health.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  expect(violations).toEqual([]);
});

test("/api/auth/session gives the user and expiry, never the session token", async ({ page, context }) => {
  const email = uniqueEmail("session");
  await signIn(page, email);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(cookie?.value).toBeTruthy();

  const response = await page.request.get("/api/auth/session");
  const text = await response.text();
  expect(text).not.toContain(cookie!.value);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["expires", "user"]);
  expect(body.user).toMatchObject({ email, isAdmin: false });
  expect(Object.keys(body.user as object).sort()).toEqual(["email", "id", "image", "isAdmin", "name", "timeZone"]);
});
