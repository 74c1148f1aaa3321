/**
 * The admin timeline shows, on the run whose audit row was the first of a collapsed window,
 * how many more rejected requests like it were only counted (issue 11 item 6).
 */
import { randomUUID } from "node:crypto";

import { expect, test } from "vitest";

import { sql } from "drizzle-orm";

import { COLLAPSE_WINDOW_SECONDS } from "@/lib/audit/collapse-window";
import { collapsedRepeatsForRuns } from "@/lib/audit/queries/collapsed-counts";
import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";
import { getDb } from "@/lib/db/client";
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

test("a run is counted under its last row's action and window, however many rows it has", async () => {
  const user = await createTestUser();
  const windowMs = COLLAPSE_WINDOW_SECONDS * 1000;
  const windowStart = new Date(Math.floor(Date.now() / windowMs) * windowMs);
  const inWindow = new Date(windowStart.getTime() + 1_000);
  await (await getDb()).execute(
    sql`insert into audit_collapsed (user_id, action, window_start, count) values (${user.id}, 'provider_connection_failed', ${windowStart.toISOString()}::timestamptz, 4)`,
  );
  const run = (key: string, actions: string[]) =>
    ({ key, userId: user.id, events: actions.map((action) => ({ action, occurredAt: inWindow })) }) as unknown as AuditRun;

  const repeats = await collapsedRepeatsForRuns([
    run("outcome alone", ["provider_connection_failed"]),
    run("three rows", ["provider_connection_attempted", "provider_connection_failed", "provider_connection_failed"]),
    run("another action last", ["provider_connection_failed", "provider_connection_attempted"]),
  ]);
  expect(Object.fromEntries(repeats)).toEqual({ "outcome alone": 3, "three rows": 3 });
});
