import "server-only";

/** What /admin/operations lists: work that did not finish by itself. */
import { and, desc, eq, inArray, lt } from "drizzle-orm";

import { getDb } from "../db/client";
import { emailDeliveries, eventHandlerRuns, eventOutbox, providerConnections } from "../db/schema";

/** A connection still `pending` after this long was abandoned or lost its callback. */
export const STUCK_PENDING_MS = 15 * 60_000;

/**
 * Emails and handler runs are retried alike (lib/retry-policy.ts), and record it in the same
 * columns: where the work stands, how many tries, the last error, the next try, the last change.
 */
function retryState<T extends typeof emailDeliveries | typeof eventHandlerRuns>(work: T) {
  return { status: work.status, attempts: work.attempts, lastError: work.lastError, nextAttemptAt: work.nextAttemptAt, updatedAt: work.updatedAt };
}

export async function listStuckWork({ now = new Date(), limit = 100 }: { now?: Date; limit?: number } = {}) {
  const db = await getDb();
  const [emails, handlerRuns, pending] = await Promise.all([
    db
      .select({ id: emailDeliveries.id, template: emailDeliveries.template, subject: emailDeliveries.subject, ...retryState(emailDeliveries) })
      .from(emailDeliveries)
      .where(inArray(emailDeliveries.status, ["retrying", "failed"]))
      .orderBy(desc(emailDeliveries.updatedAt))
      .limit(limit),
    db
      .select({ eventId: eventHandlerRuns.eventId, handler: eventHandlerRuns.handler, eventType: eventOutbox.type, ...retryState(eventHandlerRuns) })
      .from(eventHandlerRuns)
      .innerJoin(eventOutbox, eq(eventOutbox.eventId, eventHandlerRuns.eventId))
      .where(inArray(eventHandlerRuns.status, ["retrying", "dead"]))
      .orderBy(desc(eventHandlerRuns.updatedAt))
      .limit(limit),
    db
      .select({
        id: providerConnections.id,
        providerSlug: providerConnections.providerSlug,
        userId: providerConnections.userId,
        createdAt: providerConnections.createdAt,
      })
      .from(providerConnections)
      .where(and(eq(providerConnections.status, "pending"), lt(providerConnections.createdAt, new Date(now.getTime() - STUCK_PENDING_MS))))
      .orderBy(desc(providerConnections.createdAt))
      .limit(limit),
  ]);
  return { emails, handlerRuns, pending };
}
export type StuckWork = Awaited<ReturnType<typeof listStuckWork>>;
