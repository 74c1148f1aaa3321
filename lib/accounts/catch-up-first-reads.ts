/**
 * The sweep's half of "read the accounts after a connect, outbox-safe": the callback route
 * reads them after its response (Next's `after()`); a read that never ran (the process died
 * first) or failed for a passing reason is caught up here, with the spacing and the number of
 * tries in ACCOUNTS_CATCH_UP_RETRY_POLICY. Which connections need it is derived from
 * `provider_connections.connected_at` and `account_reads` (connectionsAwaitingFirstRead), so
 * nothing has to be written before the response for this to work.
 */
import { getLogger } from "../logger";
import { listProviders } from "../providers/find-provider";
import { runWithRequestContext } from "../request-context";
import { connectionsAwaitingFirstRead } from "./queries";
import { readAccounts } from "./read-accounts";

export interface CatchUpSummary {
  /** Reads made (each is an `account_reads` row), failed ones included. */
  read: number;
  failed: number;
}

export interface CatchUpOptions {
  now?: Date;
  /** Most reads in one sweep; the next sweep takes the rest. */
  limit?: number;
  /** Stop starting reads after this long (the caller's share of the sweep's time budget). */
  budgetMs?: number;
}

export async function catchUpFirstAccountReads({ now = new Date(), limit = 50, budgetMs = 60_000 }: CatchUpOptions = {}): Promise<CatchUpSummary> {
  return runWithRequestContext({ actor: { type: "system" }, ipAddress: null, userAgent: "ledgerlink-refresh-sweep" }, async () => {
    const deadline = performance.now() + budgetMs;
    const providerSlugs = listProviders()
      .filter((provider) => provider.accounts)
      .map((provider) => provider.slug);
    const pending = await connectionsAwaitingFirstRead({ providerSlugs, now, limit });
    const summary: CatchUpSummary = { read: 0, failed: 0 };
    // One at a time: each read may wait on a slow bank, and this runs beside the token refreshes.
    for (const { connectionId, userId } of pending) {
      if (performance.now() > deadline) break;
      const result = await readAccounts({ userId, connectionId, trigger: "connect" }).catch((error: unknown) => {
        getLogger().error({ err: error, connectionId }, "accounts catch-up read crashed");
        return { status: "failed" } as const;
      });
      if (result.status === "skipped") continue; // disconnected meanwhile: nothing was read
      summary.read += 1;
      if (result.status === "failed") summary.failed += 1;
    }
    if (pending.length > 0) getLogger().info({ pending: pending.length, ...summary }, "first accounts reads caught up");
    return summary;
  });
}
