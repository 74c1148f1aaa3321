/**
 * Every periodic sweep leaves one row in sweep_runs (DESIGN.md §7), finished or failed, so
 * /admin/operations can show the last runs. Both schedulers call runRecordedSweep; the row is
 * written after the sweep, and old rows are pruned in the same step so the table stays small.
 */
import { desc, lt, or } from "drizzle-orm";

import { getDb } from "../db/client";
import { sweepRuns } from "../db/schema";
import { runSweep, type RunSweepOptions, type RunSweepSummary } from "./run-sweep";

export type SweepTrigger = "cron" | "timer";

/** Rows kept: the newest this many, and none older than SWEEP_RUNS_KEEP_DAYS. */
export const SWEEP_RUNS_KEEP = 1_000;
export const SWEEP_RUNS_KEEP_DAYS = 30;

/** A failed sweep's message, cut short; the sweep's own errors carry codes, not credentials. */
function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  return message.slice(0, 500);
}

export async function runRecordedSweep(trigger: SweepTrigger, options: RunSweepOptions = {}): Promise<RunSweepSummary> {
  const startedAt = new Date();
  try {
    const summary = await runSweep(options);
    await recordSweepRun({ trigger, startedAt, outcome: "ok", summary });
    return summary;
  } catch (error) {
    await recordSweepRun({ trigger, startedAt, outcome: "failed", error: errorMessage(error) }).catch(() => undefined);
    throw error;
  }
}

export async function recordSweepRun(run: {
  trigger: SweepTrigger;
  startedAt: Date;
  outcome: "ok" | "failed";
  summary?: RunSweepSummary;
  error?: string;
  finishedAt?: Date;
}): Promise<void> {
  const db = await getDb();
  const finishedAt = run.finishedAt ?? new Date();
  await db.insert(sweepRuns).values({
    trigger: run.trigger,
    outcome: run.outcome,
    summary: run.summary ?? null,
    error: run.error ?? null,
    startedAt: run.startedAt,
    finishedAt,
  });
  await pruneSweepRuns({ now: finishedAt });
}

/** Deletes rows older than the keep window, and every row past the newest SWEEP_RUNS_KEEP. */
export async function pruneSweepRuns({ now = new Date(), keep = SWEEP_RUNS_KEEP, keepDays = SWEEP_RUNS_KEEP_DAYS } = {}): Promise<void> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - keepDays * 86_400_000);
  const [oldestKept] = await db
    .select({ startedAt: sweepRuns.startedAt })
    .from(sweepRuns)
    .orderBy(desc(sweepRuns.startedAt))
    .offset(keep - 1)
    .limit(1);
  await db
    .delete(sweepRuns)
    .where(oldestKept ? or(lt(sweepRuns.startedAt, cutoff), lt(sweepRuns.startedAt, oldestKept.startedAt)) : lt(sweepRuns.startedAt, cutoff));
}
