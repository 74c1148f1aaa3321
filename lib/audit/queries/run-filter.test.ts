import { describe, expect, it } from "vitest";

import { DOMAIN_WORKFLOWS, resolveRunFilter } from "./run-filter";

describe("the page's filters in database terms", () => {
  it("without a workflow: the three workflows on the timeline, the whole log in the export", async () => {
    expect((await resolveRunFilter({}, { withoutWorkflow: "domain" }))!.workflows).toEqual(DOMAIN_WORKFLOWS);
    expect((await resolveRunFilter({}, { withoutWorkflow: "all" }))!.workflows).toBeUndefined();
  });

  it("a workflow asked for is that one, on either", async () => {
    expect((await resolveRunFilter({ workflow: "admin" }, { withoutWorkflow: "domain" }))!.workflows).toEqual(["admin"]);
    expect((await resolveRunFilter({ workflow: "refresh" }, { withoutWorkflow: "all" }))!.workflows).toEqual(["refresh"]);
  });

  it("carries the other filters through, and days as instants in the chosen zone", async () => {
    const filter = await resolveRunFilter(
      { provider: "acme-bank", outcome: "failed", reason: "provider_revoked", correlation: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", from: "2026-06-01", to: "2026-06-01" },
      { withoutWorkflow: "all", timeZone: "Asia/Tokyo" },
    );
    expect(filter).toEqual({
      userId: undefined,
      providerSlug: "acme-bank",
      workflows: undefined,
      outcome: "failed",
      reason: "provider_revoked",
      start: new Date("2026-05-31T15:00:00.000Z"),
      end: new Date("2026-06-01T15:00:00.000Z"),
      correlationId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
    });
  });
});
