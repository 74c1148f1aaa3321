/**
 * Every connect flow gets an outcome, however it ended (docs/DESIGN.md §7):
 * - a state that expired is a flow that never came back (the tab was closed) or a callback
 *   that died after claiming it: its grant, if the callback kept one, is revoked; its pending
 *   row becomes `failed`; ProviderConnectionFailed gives its run (same correlation id) an outcome;
 * - a pending row past the state's lifetime with no state at all (orphaned before states were
 *   kept until the outcome) is failed too, with an outcome event of its own.
 */
import { randomUUID } from "node:crypto";

import { and, eq, lt, notExists } from "drizzle-orm";

import { providerConnections, oauthStates } from "../db/schema";
import { createEvent } from "../events/create-event";
import { withEvents } from "../events/emit";
import { getLogger } from "../logger";
import { findProvider } from "../providers/find-provider";
import { revokeToken } from "../providers/oauth-client";
import type { PendingGrant } from "../providers/token-vault";
import { OAUTH_STATE_TTL_SECONDS, takeExpiredOAuthStates } from "./oauth-state";
import { failPendingConnection } from "./queries";

export async function closeAbandonedConnects(now = new Date(), limit = 500): Promise<number> {
  const toRevoke: { providerSlug: string; connectionId: string; grant: PendingGrant }[] = [];
  const closed = await withEvents(
    async (tx, emit) => {
      const expired = await takeExpiredOAuthStates(tx, { now, limit });
      for (const state of expired) {
        // Claimed and never finished: the callback died (or outlived the state's lifetime).
        const reason = state.claimedAt ? "provider_unavailable" : "user_cancelled";
        await failPendingConnection(tx, { connectionId: state.connectionId, reason, now });
        if (state.grant) toRevoke.push({ providerSlug: state.providerSlug, connectionId: state.connectionId, grant: state.grant });
        const fields = { userId: state.userId, providerId: state.providerSlug, providerSlug: state.providerSlug, reason } as const;
        emit(createEvent("ProviderConnectionFailed", fields, { correlationId: state.correlationId, occurredAt: now }));
      }

      const cutoff = new Date(now.getTime() - OAUTH_STATE_TTL_SECONDS * 1000);
      const pendingPastCutoff = tx
        .select({ id: providerConnections.id, userId: providerConnections.userId, providerSlug: providerConnections.providerSlug })
        .from(providerConnections)
        .where(
          and(
            eq(providerConnections.status, "pending"),
            lt(providerConnections.updatedAt, cutoff),
            notExists(tx.select().from(oauthStates).where(eq(oauthStates.connectionId, providerConnections.id))),
          ),
        )
        .limit(limit);
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: row locks show only on PostgreSQL (PGlite runs one transaction at a time); "rows another pass holds are skipped, not waited for" kills these there.
      const orphans = await pendingPastCutoff.for("update", { skipLocked: true });
      for (const row of orphans) {
        await failPendingConnection(tx, { connectionId: row.id, reason: "user_cancelled", now });
        const fields = { userId: row.userId, providerId: row.providerSlug, providerSlug: row.providerSlug, reason: "user_cancelled" } as const;
        // Its Attempted event's correlation id went with its state; the outcome gets a new run.
        emit(createEvent("ProviderConnectionFailed", fields, { correlationId: randomUUID(), occurredAt: now }));
      }
      return expired.length + orphans.length;
    },
    // Stryker disable next-line ObjectLiteral,StringLiteral: outside a Next request (every test) the default runs the handlers at once too; only inside the cron route would it defer them.
    { handlers: "now" },
  );

  // After the commit: a provider call must not hold the rows locked.
  for (const { providerSlug, connectionId, grant } of toRevoke) {
    const provider = findProvider(providerSlug);
    const outcome = provider ? await revokeToken(provider, grant.token, grant.field) : "unsupported";
    getLogger().info({ connectionId, revocation: outcome }, "abandoned connect: the grant its callback obtained was revoked");
  }
  return closed;
}
