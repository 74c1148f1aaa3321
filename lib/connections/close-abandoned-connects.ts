/**
 * A connect flow whose state expired never came back from the provider (the person
 * closed the tab). Close its run: a pending connection becomes `failed`, and
 * ProviderConnectionFailed (user_cancelled) gives the Attempted event its outcome.
 */
import { and, eq, lt } from "drizzle-orm";

import { getDb } from "../db/client";
import { oauthStates, providerConnections } from "../db/schema";
import { createEvent, dispatchEvent, recordEvent, type DomainEvent } from "../events/events";
import { assertTransition } from "./state-machine";

export async function closeAbandonedConnects(now = new Date(), limit = 500): Promise<number> {
  const db = await getDb();
  const events: DomainEvent[] = [];
  await db.transaction(async (tx) => {
    const expired = await tx
      .select()
      .from(oauthStates)
      .where(lt(oauthStates.expiresAt, now))
      .limit(limit)
      .for("update", { skipLocked: true });
    for (const state of expired) {
      await tx.delete(oauthStates).where(eq(oauthStates.stateHash, state.stateHash));
      await tx
        .update(providerConnections)
        .set({ status: assertTransition("pending", "fail"), statusReason: "user_cancelled", updatedAt: now })
        .where(and(eq(providerConnections.id, state.connectionId), eq(providerConnections.status, "pending")));
      const event = createEvent(
        "ProviderConnectionFailed",
        { userId: state.userId, providerId: state.providerSlug, providerSlug: state.providerSlug, reason: "user_cancelled" },
        { correlationId: state.correlationId, occurredAt: now },
      );
      await recordEvent(tx, event);
      events.push(event);
    }
  });
  for (const event of events) await dispatchEvent(event);
  return events.length;
}
