/**
 * The scheduled sweep (Vercel Cron, or a timer on one machine): refreshes due
 * connections with bounded concurrency, closes abandoned connect flows, warns users
 * before a hard expiry, and runs the events recovery pass.
 */
import { checkpointAfterSweep } from "../audit/checkpoints/create-checkpoint";
import { env } from "../env";
import { recoverEvents, type RecoverySummary } from "../events/recover-events";
import { getLogger } from "../logger";
import { pruneRateLimits } from "../rate-limit";
import { runWithRequestContext } from "../request-context";
import { closeAbandonedConnects } from "./close-abandoned-connects";
import { dueConnectionIds } from "./queries";
import { refreshConnection, type RefreshOutcome } from "./refresh-connection";
import { sendReauthWarnings } from "./reauth-warning";

export interface SweepSummary {
  refreshed: number;
  failed: number;
  skipped: number;
  abandonedConnects: number;
  reauthWarnings: number;
  recovery: RecoverySummary | null;
  tookMs: number;
}

export interface RefreshTiming {
  connectionId: string;
  /** `performance.now()` when the attempt started. */
  startedAt: number;
  ms: number;
  status: RefreshOutcome["status"];
}

export interface SweepOptions {
  /**
   * Refreshes in flight at once. Each holds a row lock and a pooled database connection
   * through its provider call, so keep it below the pool size (lib/db/client.ts) to leave
   * connections for everything else.
   */
  concurrency?: number;
  /**
   * Stop starting work after this long, in every phase (the rest waits for the next sweep): a sweep
   * killed mid-flight (Vercel's maxDuration) would roll back tokens the provider already
   * rotated. Default: 240 s, under the cron route's 300 s less two provider timeouts.
   */
  budgetMs?: number;
  /** Called after each refresh attempt with its wall time (benchmarks, metrics). */
  onRefresh?: (timing: RefreshTiming) => void;
  /** Most connections refreshed in one sweep; the next sweep takes the rest. */
  limit?: number;
  now?: Date;
  recover?: boolean;
}

export async function runRefreshSweep({
  concurrency = 4,
  budgetMs = 240_000,
  limit = 5_000,
  now = new Date(),
  recover = true,
  onRefresh,
}: SweepOptions = {}): Promise<SweepSummary> {
  return runWithRequestContext({ actor: { type: "system" }, ipAddress: null, userAgent: "ledgerlink-refresh-sweep" }, async () => {
    const started = performance.now();
    const seenDueAt = new Date();
    const horizon = new Date(now.getTime() + env.REFRESH_AHEAD_SECONDS * 1000);
    const ids = await dueConnectionIds({ limit, now, horizon });
    const deadline = performance.now() + budgetMs;
    const outcomes = await mapWithConcurrency(ids, concurrency, (connectionId): Promise<RefreshOutcome> => {
      if (performance.now() > deadline) return Promise.resolve({ status: "skipped", connectionId, why: "out_of_time" });
      const startedAt = performance.now();
      return refreshConnection({ connectionId, lock: "skip", now, seenDueAt })
        .catch((error: unknown): RefreshOutcome => {
          getLogger().error({ err: error, connectionId }, "refresh crashed");
          return { status: "failed", connectionId, reason: "network_error", needsUserAction: false };
        })
        .then((outcome) => {
          onRefresh?.({ connectionId, startedAt, ms: performance.now() - startedAt, status: outcome.status });
          return outcome;
        });
    });

    // Every phase keeps to the same deadline: an unanswering SMTP server must not push the
    // cron past its maxDuration (each send is bounded by its own SMTP timeouts).
    const inTime = () => performance.now() <= deadline;
    const abandonedConnects = inTime() ? await closeAbandonedConnects(now) : 0;
    const reauthWarnings = inTime() ? await sendReauthWarnings(now, 500, deadline) : 0;
    await pruneRateLimits(new Date(now.getTime() - 24 * 3600 * 1000));
    const recovery = recover && inTime() ? await recoverEvents({ deadline }) : null;
    await checkpointAfterSweep();

    const summary: SweepSummary = {
      refreshed: outcomes.filter((o) => o.status === "refreshed").length,
      failed: outcomes.filter((o) => o.status === "failed").length,
      skipped: outcomes.filter((o) => o.status === "skipped").length,
      abandonedConnects,
      reauthWarnings,
      recovery,
      tookMs: Math.round(performance.now() - started),
    };
    getLogger().info({ sweep: summary }, "refresh sweep finished");
    return summary;
  });
}

async function mapWithConcurrency<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

