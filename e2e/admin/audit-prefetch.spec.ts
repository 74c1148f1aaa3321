import { randomUUID } from "node:crypto";

import { expect, test } from "@playwright/test";

import { sql } from "../support/db";
import { e2eAdminEmail } from "../support/e2e-env";
import { signIn, uniqueEmail } from "../support/sign-in";
import { writePastRuns } from "./audit-helpers";

const views = async (since: Date) =>
  (
    await sql`select 1 from audit_logs a join users u on u.id = a.actor_user_id
      where u.email = ${e2eAdminEmail} and a.action = 'audit_log_viewed' and a.recorded_at >= ${since}`
  ).length;

test("a prefetch of the audit timeline is not recorded and gets none of the log; a full view is recorded", async ({ page }) => {
  const person = uniqueEmail("prefetched");
  await sql`insert into users (id, email) values (${randomUUID()}, ${person})`;
  const [correlationId] = writePastRuns(person, [
    { workflow: "connect", outcome: "succeeded", providerSlug: "sandbox-bank", providerName: "Sandbox Bank", minutesAgo: 5 },
  ]);
  // Land somewhere else first: a view of the timeline itself would be recorded, and under load
  // its row can be written after any timestamp taken here.
  await signIn(page, e2eAdminEmail, { returnTo: "/connections" });
  await page.waitForLoadState("networkidle");
  const started = new Date();
  const personsRuns = `/admin/audit?${new URLSearchParams({ user: person })}`;

  const prefetches: Record<string, string>[] = [
    { "sec-purpose": "prefetch" },
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch;prerender" },
    { rsc: "1", "next-router-prefetch": "1" },
  ];
  for (const headers of prefetches) {
    const prefetched = await page.request.get(personsRuns, { headers });
    expect(prefetched.status(), JSON.stringify(headers)).toBe(200);
    expect(await prefetched.text(), JSON.stringify(headers)).not.toContain(correlationId!);
  }
  expect(await views(started)).toBe(0);

  const viewed = await page.request.get(personsRuns);
  expect(await viewed.text()).toContain(correlationId!);
  expect(await views(started)).toBe(1);
});
