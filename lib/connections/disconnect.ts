/**
 * Disconnect: check ownership, revoke the grant at the provider when it can (RFC 7009;
 * a failed revocation does not block), wipe the credentials, keep the row as
 * `disconnected` for the audit trail. Emits DisconnectionAttempted → Succeeded | Failed.
 */
import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { findOwnedConnection } from "../db/queries/connections";
import { providerConnections, type ProviderConnection } from "../db/schema";
import { createEvent, dispatchAfterResponse, publishEvent, recordEvent, type DisconnectionFailureReason } from "../events/events";
import { getLogger } from "../logger";
import { findProvider } from "../providers/find-provider";
import { revokeToken } from "../providers/oauth-client";
import { openConnectionToken } from "../providers/token-vault";
import { setCorrelationId } from "../request-context";
import { assertTransition } from "./state-machine";

export type RevocationOutcome = "revoked" | "unsupported" | "failed" | "no_credentials";

export type DisconnectResult =
  | { ok: true; connectionId: string; providerSlug: string; revocation: RevocationOutcome }
  | { ok: false; reason: DisconnectionFailureReason };

export async function disconnectConnection({ userId, connectionId }: { userId: string; connectionId: string }): Promise<DisconnectResult> {
  const db = await getDb();
  const correlationId = randomUUID();
  setCorrelationId(correlationId);
  const connection = await findOwnedConnection({ db, userId, connectionId });
  // Someone else's id looks exactly like an id that does not exist.
  const live = connection && connection.status !== "disconnected" ? connection : null;
  const providerSlug = live?.providerSlug ?? "unknown";
  const base = { userId, connectionId, providerId: providerSlug, providerSlug };

  await publishEvent(createEvent("ProviderDisconnectionAttempted", base, { correlationId }));
  const fail = async (reason: DisconnectionFailureReason): Promise<DisconnectResult> => {
    await publishEvent(createEvent("ProviderDisconnectionFailed", { ...base, reason }, { correlationId }));
    return { ok: false, reason };
  };
  if (!live) return fail("connection_not_found");

  let succeeded: ReturnType<typeof createEvent<"ProviderDisconnectionSucceeded">> | null = null;
  let revocation: RevocationOutcome = "no_credentials";
  try {
    const done = await db.transaction(async (tx) => {
      // Revoke what the row holds under its lock, so a refresh cannot rotate the refresh
      // token between our read and the revocation (we would revoke a dead one).
      const locked = await findOwnedConnection({ db: tx, userId, connectionId, forUpdate: true });
      if (!locked || locked.status === "disconnected") return false; // a concurrent disconnect won
      revocation = await revokeAtProvider(locked);
      const now = new Date();
      await tx
        .update(providerConnections)
        .set({
          status: assertTransition(locked.status, "disconnect"),
          accessTokenEnc: null,
          refreshTokenEnc: null,
          accessTokenExpiresAt: null,
          refreshTokenExpiresAt: null,
          nextRefreshAttemptAt: null,
          revocationOutcome: revocation,
          disconnectedAt: now,
          updatedAt: now,
        })
        .where(eq(providerConnections.id, connectionId));
      // The outcome travels in the event, so the audit row's metadata records it.
      succeeded = createEvent("ProviderDisconnectionSucceeded", { ...base, revocationOutcome: revocation }, { correlationId });
      await recordEvent(tx, succeeded);
      return true;
    });
    if (!done || !succeeded) return fail("connection_not_found");
  } catch (error) {
    getLogger().error({ err: error, connectionId }, "disconnect failed in the database");
    return fail("database_error");
  }
  await dispatchAfterResponse(succeeded);
  return { ok: true, connectionId, providerSlug, revocation };
}

/** Revokes the refresh token (which ends the grant) or else the access token. */
async function revokeAtProvider(connection: ProviderConnection): Promise<RevocationOutcome> {
  const provider = findProvider(connection.providerSlug);
  if (!provider) return "unsupported";
  const field = connection.refreshTokenEnc ? "refresh_token" : connection.accessTokenEnc ? "access_token" : null;
  if (!field) return "no_credentials";
  try {
    const sealed = field === "refresh_token" ? connection.refreshTokenEnc! : connection.accessTokenEnc!;
    return await revokeToken(provider, openConnectionToken(connection.id, field, sealed), field);
  } catch (error) {
    getLogger().warn({ err: error, connectionId: connection.id }, "token revocation failed; disconnecting anyway");
    return "failed";
  }
}
