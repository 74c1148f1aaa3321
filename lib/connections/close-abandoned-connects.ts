/**
 * A connect flow whose state expired never came back from the provider (the person closed
 * the tab): its pending connection becomes `failed`, and ProviderConnectionFailed
 * (user_cancelled) gives the Attempted event its outcome.
 */
import { createEvent } from "../events/create-event";
import { withEvents } from "../events/emit";
import { takeExpiredOAuthStates } from "./oauth-state";
import { failPendingConnection } from "./queries";

export async function closeAbandonedConnects(now = new Date(), limit = 500): Promise<number> {
  return withEvents(
    async (tx, emit) => {
      const expired = await takeExpiredOAuthStates(tx, { now, limit });
      for (const state of expired) {
        await failPendingConnection(tx, { connectionId: state.connectionId, reason: "user_cancelled", now });
        emit(
          createEvent(
            "ProviderConnectionFailed",
            { userId: state.userId, providerId: state.providerSlug, providerSlug: state.providerSlug, reason: "user_cancelled" },
            { correlationId: state.correlationId, occurredAt: now },
          ),
        );
      }
      return expired.length;
    },
    { handlers: "now" },
  );
}
