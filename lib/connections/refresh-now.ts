/**
 * "Refresh now" on the dashboard: the owner asks for a refresh whether or not it is due
 * (support, or people who like to check). Rate-limited per user.
 */
import { randomUUID } from "node:crypto";

import { ExpectedError } from "../errors";
import { getDb } from "../db/client";
import { createEvent } from "../events/create-event";
import { emitCollapsed } from "../events/emit-collapsed";
import { consumeRateLimit } from "../rate-limit";
import { findOwnedConnection } from "./queries";
import { MANUAL_REFRESH_RATE_LIMIT } from "./refresh-now-limit";
import { refreshConnection, type RefreshOutcome } from "./refresh-connection";

export { MANUAL_REFRESH_RATE_LIMIT };

export async function refreshNow({ userId, connectionId }: { userId: string; connectionId: string }): Promise<RefreshOutcome> {
  const db = await getDb();
  const connection = await findOwnedConnection({ db, userId, connectionId });
  if (!connection || connection.status !== "active") {
    throw new ExpectedError("connection_not_found", "Only an active connection can be refreshed.");
  }

  const rate = await consumeRateLimit({ key: `refresh:${userId}`, ...MANUAL_REFRESH_RATE_LIMIT });
  if (!rate.allowed) {
    const correlationId = randomUUID();
    const base = { userId, connectionId, providerId: connection.providerSlug, providerSlug: connection.providerSlug };
    // One audited attempt per window and a count: repeating it cannot flood the log.
    await emitCollapsed(userId, [
      createEvent("ProviderTokenRefreshAttempted", base, { correlationId }),
      createEvent("ProviderTokenRefreshFailed", { ...base, reason: "rate_limited", needsUserAction: false }, { correlationId }),
    ]);
    throw new ExpectedError("rate_limited", "You have refreshed several times in a short while. Please wait a few minutes.");
  }
  // Stryker disable next-line StringLiteral: lockConnection waits for any value but "skip"; an empty string waits too.
  return refreshConnection({ connectionId, lock: "wait", force: true });
}
