/**
 * The periodic work, in one call for both schedulers (the cron route on Vercel, the
 * in-server timer on one machine): the token refresh sweep, then the catch-up of first
 * accounts reads that never happened after a connect. It sits above lib/connections and
 * lib/accounts because the accounts read uses the connections' use-cases (which emit
 * events), so neither of those folders may call the other back.
 */
import { catchUpFirstAccountReads, type CatchUpSummary } from "../accounts/catch-up-first-reads";
import { runRefreshSweep, type SweepOptions, type SweepSummary } from "../connections/refresh-sweep";

/** The refresh sweep's own default budget: under the cron route's 300 s less a read's two tries. */
const SWEEP_BUDGET_MS = 240_000;

export interface RunSweepOptions extends SweepOptions {
  /** Most first accounts reads caught up in one sweep; the next sweep takes the rest. */
  accountsLimit?: number;
}

export interface RunSweepSummary {
  refresh: SweepSummary;
  accountsCatchUp: CatchUpSummary;
  tookMs: number;
}

export async function runSweep({ accountsLimit, ...options }: RunSweepOptions = {}): Promise<RunSweepSummary> {
  const started = performance.now();
  const budgetMs = options.budgetMs ?? SWEEP_BUDGET_MS;
  const refresh = await runRefreshSweep({ ...options, budgetMs });
  // One budget for the whole sweep: the catch-up starts reads only in what the refreshes left.
  const accountsCatchUp = await catchUpFirstAccountReads({
    now: options.now,
    limit: accountsLimit,
    budgetMs: Math.max(0, budgetMs - (performance.now() - started)),
  });
  return { refresh, accountsCatchUp, tookMs: Math.round(performance.now() - started) };
}
