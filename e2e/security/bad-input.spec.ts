import { expect, test, type Page } from "@playwright/test";

import { e2eAdminEmail } from "../support/e2e-env";
import { sql } from "../support/db";
import { signIn, uniqueEmail } from "../support/sign-in";

async function expectNotFoundPage(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
}

const overflowingCursor = "djEuOTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ"; // v1.99999999999999999999.1
const outOfRangeCursor = Buffer.from("v1.8640000000000001000.1").toString("base64url"); // year 275760 and beyond

test("bad query parameters and path segments get a friendly 404, never a 500", async ({ page }) => {
  await signIn(page, uniqueEmail("bad-input"));
  for (const path of [
    `/activity?older=${overflowingCursor}`,
    `/activity?newer=${outOfRangeCursor}`,
    "/activity?older=not-a-cursor",
    "/activity?show=everything-else",
    "/connections?disconnected=Your%20account%20was%20closed.%20Call%20us",
    "/connections?provider=sandbox-bank&error=something-we-never-said",
    "/connections?connected=1",
  ]) {
    await expectNotFoundPage(page, path);
  }
  // The pages themselves still answer their real parameters.
  expect((await page.goto("/activity?show=problems"))?.status()).toBe(200);
  expect((await page.goto("/connections?disconnected=sandbox-bank"))?.status()).toBe(200);
});

test("a callback for a provider that does not exist is a 404 before anything is written", async ({ page }) => {
  const email = uniqueEmail("no-such-provider");
  await signIn(page, email);
  const [{ count: before } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from audit_logs`;
  for (const slug of ["Not_A_Slug", "no-such-bank", "sandbox-bank.evil"]) {
    const response = await page.goto(`/connections/callback/${slug}?code=abc&state=def`);
    expect(response?.status(), slug).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
  const [{ count: after } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from audit_logs`;
  const mine = await sql`select 1 from audit_logs a join users u on u.id = a.user_id where u.email = ${email}`;
  expect(mine).toHaveLength(0);
  expect(after).toBeGreaterThanOrEqual(before); // other specs may write meanwhile; ours wrote nothing
});

test("the admin timeline answers a cursor it never wrote with a 404", async ({ page }) => {
  await signIn(page, e2eAdminEmail, { returnTo: "/admin/audit" });
  await expectNotFoundPage(page, `/admin/audit?older=${outOfRangeCursor}`);
  await expectNotFoundPage(page, `/admin/audit?newer=${overflowingCursor}`);
  expect((await page.goto("/admin/audit"))?.status()).toBe(200);
});

test("anonymous visitors get the same 404 as non-admins on /admin", async ({ page }) => {
  for (const path of ["/admin/audit", "/admin/audit?workflow=admin", "/admin/anything"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    expect(page.url()).not.toContain("/signin");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
  const exported = await page.request.get("/admin/audit/export?format=csv", { maxRedirects: 0 });
  expect(exported.status()).toBe(404);
  expect(exported.headers()["content-disposition"]).toBeUndefined();
});
