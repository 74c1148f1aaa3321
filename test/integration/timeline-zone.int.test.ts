/**
 * The admin timeline's day filters and chart in the chosen zone: a day is midnight to midnight
 * on that zone's clocks (23 or 25 hours across DST), on a real database.
 */
import { randomUUID } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import { parseAuditFilters } from "@/lib/audit/queries/audit-filters";
import { countRunsPerDay } from "@/lib/audit/queries/count-runs-per-day";
import { listAuditRuns } from "@/lib/audit/queries/list-audit-runs";
import { resolveRunFilter } from "@/lib/audit/queries/run-filter";
import { appendPastRun } from "@/test/support/append-workflow-run";
import { createTestUser } from "@/test/support/test-users";

const NY = "America/New_York";
let owner: { id: string; email: string };
/** Each run's correlation id by a name for when it ended. */
const runs = new Map<string, string>();

async function runEndingAt(name: string, iso: string) {
  const end = new Date(iso);
  const { correlationId } = await appendPastRun({
    workflow: "connect",
    outcome: "succeeded",
    userId: owner.id,
    providerSlug: "sandbox-bank",
    providerName: "Sandbox Bank",
    connectionId: randomUUID(),
    actor: { type: "user", userId: owner.id },
    startedAt: new Date(end.getTime() - 1_000),
    durationMs: 1_000,
  });
  runs.set(name, correlationId);
}

beforeAll(async () => {
  owner = await createTestUser();
  await runEndingAt("7 March, 23:30 EST", "2026-03-08T04:30:00Z");
  await runEndingAt("8 March, 00:30 EST", "2026-03-08T05:30:00Z");
  await runEndingAt("8 March, 23:30 EDT", "2026-03-09T03:30:00Z");
  await runEndingAt("9 March, 00:30 EDT", "2026-03-09T04:30:00Z");
  await runEndingAt("31 October, 23:30 EDT", "2026-11-01T03:30:00Z");
  await runEndingAt("1 November, 00:30 EDT", "2026-11-01T04:30:00Z");
  await runEndingAt("1 November, 23:30 EST", "2026-11-02T04:30:00Z");
  await runEndingAt("2 November, 00:30 EST", "2026-11-02T05:30:00Z");
});

async function runsOn(query: Record<string, string>, timeZone?: string): Promise<string[]> {
  const { filters } = parseAuditFilters(new URLSearchParams({ user: owner.email, ...query }));
  const filter = await resolveRunFilter(filters, { withoutWorkflow: "domain", timeZone });
  const { runs: found } = await listAuditRuns({ filter: filter!, pageSize: 50 });
  const names = new Map([...runs].map(([name, id]) => [id, name]));
  return found.map((r) => names.get(r.correlationId)!).sort();
}

describe("the timeline's day filter in a zone", () => {
  it("keeps the runs of that day on the zone's clocks, on the day clocks go forward", async () => {
    expect(await runsOn({ from: "2026-03-08", to: "2026-03-08" }, NY)).toEqual(["8 March, 00:30 EST", "8 March, 23:30 EDT"]);
    // The same day in UTC is a different set of runs.
    expect(await runsOn({ from: "2026-03-08", to: "2026-03-08" }, "UTC")).toEqual(["7 March, 23:30 EST", "8 March, 00:30 EST"]);
    expect(await runsOn({ from: "2026-03-08", to: "2026-03-08" })).toEqual(["7 March, 23:30 EST", "8 March, 00:30 EST"]);
  });

  it("keeps the runs of that day on the zone's clocks, on the day clocks go back", async () => {
    expect(await runsOn({ from: "2026-11-01", to: "2026-11-01" }, NY)).toEqual(["1 November, 00:30 EDT", "1 November, 23:30 EST"]);
    expect(await runsOn({ from: "2026-11-02" }, NY)).toEqual(["2 November, 00:30 EST"]);
    expect(await runsOn({ to: "2026-10-31" }, NY)).toEqual(
      ["31 October, 23:30 EDT", "7 March, 23:30 EST", "8 March, 00:30 EST", "8 March, 23:30 EDT", "9 March, 00:30 EDT"].sort(),
    );
  });

  it("counts the chart's runs per day in the zone", async () => {
    const { filters } = parseAuditFilters(new URLSearchParams({ user: owner.email, from: "2026-03-07", to: "2026-03-09" }));
    const inNewYork = await countRunsPerDay({ filter: await resolveRunFilter(filters, { withoutWorkflow: "domain", timeZone: NY }), timeZone: NY });
    expect(inNewYork.days.map((d) => [d.day, d.succeeded])).toEqual([
      ["2026-03-07", 1],
      ["2026-03-08", 2],
      ["2026-03-09", 1],
    ]);
    const inUtc = await countRunsPerDay({ filter: await resolveRunFilter(filters, { withoutWorkflow: "domain" }) });
    expect(inUtc.days.map((d) => [d.day, d.succeeded])).toEqual([
      ["2026-03-07", 0],
      ["2026-03-08", 2],
      ["2026-03-09", 2],
    ]);
    const autumn = parseAuditFilters(new URLSearchParams({ user: owner.email, from: "2026-11-01", to: "2026-11-01" })).filters;
    const fallBack = await countRunsPerDay({ filter: await resolveRunFilter(autumn, { withoutWorkflow: "domain", timeZone: NY }), timeZone: NY });
    expect(fallBack.days).toEqual([{ day: "2026-11-01", succeeded: 2, failed: 0 }]);
  });
});
