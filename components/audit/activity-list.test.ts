import { describe, expect, it } from "vitest";

import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";

import { activitySentence } from "./activity-list";

const sentence = (workflow: string, outcome: string, actorType = "user") =>
  activitySentence({ workflow, outcome, actorType, providerName: "Acme Bank" } as unknown as AuditRun);

describe("activitySentence", () => {
  it.each([
    ["connect", "succeeded", "user", "You connected Acme Bank"],
    ["connect", "failed", "user", "Connecting Acme Bank did not work"],
    ["connect", "attempted", "user", "You started connecting Acme Bank"],
    ["disconnect", "succeeded", "user", "You disconnected Acme Bank"],
    ["disconnect", "failed", "user", "Disconnecting Acme Bank did not work"],
    ["disconnect", "attempted", "user", "You started disconnecting Acme Bank"],
    ["refresh", "succeeded", "user", "You refreshed your access to Acme Bank"],
    ["refresh", "succeeded", "system", "Ledgerlink renewed its access to Acme Bank"],
    ["refresh", "failed", "user", "Refreshing your access to Acme Bank did not work"],
    ["refresh", "failed", "system", "Ledgerlink could not renew its access to Acme Bank"],
    ["refresh", "attempted", "system", "Ledgerlink started renewing its access to Acme Bank"],
    ["admin", "succeeded", "user", "Acme Bank: admin"],
  ])("%s %s by %s: %s", (workflow, outcome, actor, expected) => {
    expect(sentence(workflow, outcome, actor)).toBe(expected);
  });
});
