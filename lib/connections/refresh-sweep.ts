/**
 * The scheduled sweep (Vercel Cron, or a timer on one machine): refreshes due
 * connections with bounded concurrency, closes abandoned connect flows, warns users
 * before a hard expiry, and runs the events recovery pass.
 *
 * Sweeps share the work: each claims small batches of due rows under a lease
 * (claimDueConnections), so N sweeps at once (N cron entries or instances) refresh disjoint
 * sets instead of walking the same list. The lease only spreads work; one refresh at a time
 * per connection is still refreshConnection's row lock and re-read.
 */
import { checkpointAfterSweep } from "../audit/checkpoints/create-checkpoint";
import { env } from "../env";
import { recoverEvents, type RecoverySummary } from "../events/recover-events";
import { getLogger } from "../logger";
import { pruneRateLimits } from "../rate-limit";
import { runWithRequestContext } from "../request-context";
import { closeAbandonedConnects } from "./close-abandoned-connects";
import { claimDueConnections, releaseRefreshClaims } from "./queries";
import { refreshConnection, type RefreshOutcome } from "./refresh-connection";
import { sendReauthWarnings } from "./reauth-warning";

export interface SweepSummary {
  refreshed: number;
  failed: number;
  skipped: number;
  /** Rows this sweep claimed, and in how many batches. */
  claimed: number;
  batches: number;
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
  /**
   * Rows claimed per batch. Small batches spread the work evenly over concurrent sweeps;
   * each batch costs one claim statement. Default: 4 × concurrency.
   */
  batchSize?: number;
  /**
   * How long a claim keeps other sweeps off a row. It must outlast one batch (provider
   * calls time out well under this); past it a crashed sweep's rows go to the next sweep.
   */
  leaseSeconds?: number;
  now?: Date;
  recover?: boolean;
}

export async function runRefreshSweep({
  concurrency = 4,
  budgetMs = 240_000,
  limit = 5_000,
  batchSize = concurrency * 4,
  leaseSeconds = 120,
  now = new Date(),
  recover = true,
  onRefresh,
}: SweepOptions = {}): Promise<SweepSummary> {
  return runWithRequestContext({ actor: { type: "system" }, ipAddress: null, userAgent: "ledgerlink-refresh-sweep" }, async () => {
    const started = performance.now();
    const horizon = new Date(now.getTime() + env.REFRESH_AHEAD_SECONDS * 1000);
    const deadline = performance.now() + budgetMs;
    // What was due when the sweep started: a row refreshed since then is not this sweep's.
    const seenDueAt = new Date();
    const claims = claimInBatches({
      limit,
      batchSize,
      deadline,
      claim: (n) => claimDueConnections({ limit: n, now, horizon, leaseSeconds, notRefreshedSince: seenDueAt }),
    });
    const outcomes: RefreshOutcome[] = [];
    const worker = async () => {
      for (let connectionId = await claims.next(); connectionId; connectionId = await claims.next()) {
        if (performance.now() > deadline) {
          // Claim no more; what this sweep holds goes back (released below) to the next one.
          for (const id of [connectionId, ...claims.stop()]) outcomes.push({ status: "skipped", connectionId: id, why: "out_of_time" });
          continue;
        }
        const startedAt = performance.now();
        const outcome = await refreshConnection({ connectionId, lock: "skip", now, seenDueAt }).catch((error: unknown): RefreshOutcome => {
          getLogger().error({ err: error, connectionId }, "refresh crashed");
          return { status: "failed", connectionId, reason: "network_error", needsUserAction: false };
        });
        onRefresh?.({ connectionId, startedAt, ms: performance.now() - startedAt, status: outcome.status });
        outcomes.push(outcome);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    // An attempt clears its claim in the same write; hand back the rest now rather than at
    // lease expiry. Not "locked" ones: that row is another sweep's (its claim lapsed to it).
    await releaseRefreshClaims(outcomes.filter((o) => o.status === "skipped" && o.why !== "locked").map((o) => o.connectionId));

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
      claimed: claims.claimed(),
      batches: claims.batches(),
      abandonedConnects,
      reauthWarnings,
      recovery,
      tookMs: Math.round(performance.now() - started),
    };
    getLogger().info({ sweep: summary }, "refresh sweep finished");
    return summary;
  });
}


/**
 * Hands claimed rows to workers one at a time and claims the next batch when the last one
 * runs out, one claim in flight at a time. Stops at `limit` rows, at the first empty batch,
 * past the deadline, or when told to.
 */
function claimInBatches({
  limit,
  batchSize,
  deadline,
  claim,
}: {
  limit: number;
  batchSize: number;
  /** `performance.now()` after which no batch is claimed. */
  deadline: number;
  claim: (n: number) => Promise<string[]>;
}) {
  const queue: string[] = [];
  let claimed = 0;
  let batches = 0;
  let exhausted = false;
  let inFlight: Promise<void> | null = null;
  const refill = async () => {
    const want = Math.min(batchSize, limit - claimed);
    if (want <= 0 || performance.now() > deadline) {
      exhausted = true;
      return;
    }
    const ids = await claim(want);
    batches += 1;
    claimed += ids.length;
    if (ids.length === 0) exhausted = true;
    queue.push(...ids);
  };
  return {
    async next(): Promise<string | null> {
      while (queue.length === 0 && !exhausted) {
        inFlight ??= refill().finally(() => (inFlight = null));
        await inFlight;
      }
      return queue.shift() ?? null;
    },
    /** Claims no more and hands back the rows claimed but not yet handed out. */
    stop(): string[] {
      exhausted = true;
      return queue.splice(0);
    },
    claimed: () => claimed,
    batches: () => batches,
  };
}
