/**
 * lib/connections/refresh-connection.ts as the refresh sweep sees it during
 * `npm run bench:refresh` (see refresh-timing-hooks.mjs): the same exports, with each
 * `refreshConnection` call's wall time and outcome recorded.
 */
import {
  refreshConnection as untimedRefreshConnection,
  type RefreshOptions,
  type RefreshOutcome,
} from "../../lib/connections/refresh-connection";

export * from "../../lib/connections/refresh-connection";

export interface RefreshTiming {
  connectionId: string;
  /** `performance.now()` when the call started. */
  startedAt: number;
  ms: number;
  status: RefreshOutcome["status"] | "threw";
}

/** Every timed call, in the order they finished. */
export const refreshTimings: RefreshTiming[] = [];

export async function refreshConnection(options: RefreshOptions): Promise<RefreshOutcome> {
  const startedAt = performance.now();
  try {
    const outcome = await untimedRefreshConnection(options);
    refreshTimings.push({ connectionId: options.connectionId, startedAt, ms: performance.now() - startedAt, status: outcome.status });
    return outcome;
  } catch (error) {
    refreshTimings.push({ connectionId: options.connectionId, startedAt, ms: performance.now() - startedAt, status: "threw" });
    throw error;
  }
}
