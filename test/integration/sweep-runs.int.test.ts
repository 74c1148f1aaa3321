/**
 * Each periodic sweep leaves one row in sweep_runs (issue 15 item 7): its trigger and summary,
 * or, when it failed, its error message. Old rows are pruned so the table stays small.
 * /admin/operations lists failed accounts reads from account_reads (issue 14 item 4).
 * runSweep is replaced here: what is under test is the recording, not the sweep.
 */
import { randomUUID } from "node:crypto";

import { beforeEach, expect, test, vi } from "vitest";

import { getDb } from "@/lib/db/client";
import { accountReads, providerConnections, sweepRuns } from "@/lib/db/schema";
import { listFailedAccountReads } from "@/lib/accounts/queries";
import { listSweepRuns } from "@/lib/operations/list-sweep-runs";
import { pruneSweepRuns, recordSweepRun, runRecordedSweep } from "@/lib/sweep/record-sweep-run";
import type { RunSweepSummary } from "@/lib/sweep/run-sweep";
import { createTestUser } from "@/test/support/test-users";

const sweep = vi.hoisted(() => ({ outcome: "ok" as "ok" | "throw" }));
vi.mock("@/lib/sweep/run-sweep", () => ({
  runSweep: async (): Promise<RunSweepSummary> => {
    if (sweep.outcome === "throw") throw new Error("provider token endpoint unreachable");
    return {
      refresh: { refreshed: 2, failed: 1, skipped: 0, claimed: 3, batches: 1, abandonedConnects: 0, reauthWarnings: 0, recovery: null, tookMs: 10 },
      accountsCatchUp: { read: 1, failed: 0 },
      tookMs: 12,
    };
  },
}));

beforeEach(async () => {
  sweep.outcome = "ok";
  const db = await getDb();
  await db.delete(sweepRuns);
});

test("a finished sweep is recorded with its trigger and summary", async () => {
  const summary = await runRecordedSweep("cron");
  expect(summary.tookMs).toBe(12);
  const runs = await listSweepRuns();
  expect(runs).toHaveLength(1);
  const run = runs[0]!;
  expect(run).toMatchObject({ trigger: "cron", outcome: "ok", error: null });
  expect(run.summary).toMatchObject({ refresh: { refreshed: 2, failed: 1 }, accountsCatchUp: { read: 1 }, tookMs: 12 });
  expect(run.finishedAt.getTime()).toBeGreaterThanOrEqual(run.startedAt.getTime());
});

test("a failed sweep is recorded as failed with its message, and still throws", async () => {
  sweep.outcome = "throw";
  await expect(runRecordedSweep("timer")).rejects.toThrow("unreachable");
  const run = (await listSweepRuns())[0]!;
  expect(run).toMatchObject({ trigger: "timer", outcome: "failed", summary: null });
  expect(run.error).toContain("provider token endpoint unreachable");
});

test("the listing shows the newest runs first, at most the limit", async () => {
  const base = Date.now() - 60_000;
  for (let i = 0; i < 25; i += 1) {
    await recordSweepRun({ trigger: "timer", outcome: "ok", startedAt: new Date(base + i * 1000), finishedAt: new Date(base + i * 1000 + 10) });
  }
  const runs = await listSweepRuns();
  expect(runs).toHaveLength(20);
  expect(runs[0]!.startedAt.getTime()).toBe(base + 24_000);
  expect(runs[19]!.startedAt.getTime()).toBe(base + 5_000);
});

test("pruning drops rows past the newest N and rows older than the keep window", async () => {
  const db = await getDb();
  const now = new Date();
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  await db.insert(sweepRuns).values([
    { trigger: "cron", outcome: "ok", startedAt: new Date(now.getTime() - 31 * 86_400_000) },
    ...[5, 4, 3, 2, 1].map((m) => ({ trigger: "cron", outcome: "ok", startedAt: minutesAgo(m) })),
  ]);
  await pruneSweepRuns({ now, keep: 3 });
  const left = await db.select({ startedAt: sweepRuns.startedAt }).from(sweepRuns);
  expect(left.map((r) => r.startedAt.getTime()).sort()).toEqual([3, 2, 1].map((m) => minutesAgo(m).getTime()));

  await db.delete(sweepRuns);
  await db.insert(sweepRuns).values([
    { trigger: "cron", outcome: "ok", startedAt: new Date(now.getTime() - 31 * 86_400_000) },
    { trigger: "cron", outcome: "ok", startedAt: minutesAgo(1) },
  ]);
  await pruneSweepRuns({ now });
  expect(await db.select().from(sweepRuns)).toHaveLength(1);
});

test("failed accounts reads are listed newest first, successful ones are not", async () => {
  const db = await getDb();
  const user = await createTestUser();
  const connectionId = randomUUID();
  await db.insert(providerConnections).values({ id: connectionId, userId: user.id, providerSlug: "sandbox-bank", alias: "reads", status: "active" });
  const read = (outcome: "failed" | "succeeded", minutesAgo: number, reason: string | null) => ({
    id: randomUUID(),
    connectionId,
    userId: user.id,
    providerSlug: "sandbox-bank",
    correlationId: randomUUID(),
    trigger: "manual",
    outcome,
    reason,
    startedAt: new Date(Date.now() - minutesAgo * 60_000),
  });
  const older = read("failed", 10, "provider_unavailable");
  const newer = read("failed", 1, "consent_revoked");
  await db.insert(accountReads).values([older, read("succeeded", 0, null), newer]);
  const failed = (await listFailedAccountReads()).filter((r) => r.connectionId === connectionId);
  expect(failed.map((r) => r.id)).toEqual([newer.id, older.id]);
});
