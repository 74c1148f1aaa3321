/**
 * The admin timeline shows, on the run whose audit row was the first of a collapsed window,
 * how many more rejected requests like it were only counted (issue 11 item 6).
 */
import { randomUUID } from "node:crypto";

import { expect, test } from "vitest";

import { collapsedRepeatsForRuns } from "@/lib/audit/queries/collapsed-counts";
import { listAuditRuns } from "@/lib/audit/queries/list-audit-runs";
import { DOMAIN_WORKFLOWS } from "@/lib/audit/queries/run-filter";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { runWithRequestContext } from "@/lib/request-context";
import { withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";

withSandboxBank();

async function disconnectsOfRandomIds(userId: string, times: number) {
  for (let i = 0; i < times; i += 1) {
    await runWithRequestContext({ actor: { type: "user", userId }, ipAddress: "203.0.113.9", userAgent: "repeats-test" }, () =>
      disconnectConnection({ userId, connectionId: randomUUID() }),
    );
  }
}

test("the first run of a collapsed window carries the count of the others; a lone rejection carries none", async () => {
  const flooder = await createTestUser();
  const once = await createTestUser();
  await disconnectsOfRandomIds(flooder.id, 7);
  await disconnectsOfRandomIds(once.id, 1);

  const { runs } = await listAuditRuns({ filter: { userId: flooder.id, workflows: DOMAIN_WORKFLOWS }, pageSize: 100 });
  expect(runs).toHaveLength(1);
  const loneRuns = (await listAuditRuns({ filter: { userId: once.id, workflows: DOMAIN_WORKFLOWS }, pageSize: 100 })).runs;
  expect(loneRuns).toHaveLength(1);

  const repeats = await collapsedRepeatsForRuns([...runs, ...loneRuns]);
  expect(repeats.get(runs[0]!.key)).toBe(6);
  expect(repeats.has(loneRuns[0]!.key)).toBe(false);
  expect(repeats.size).toBe(1);
});

test("a page with no runs asks nothing", async () => {
  expect((await collapsedRepeatsForRuns([])).size).toBe(0);
});
