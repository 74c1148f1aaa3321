/**
 * Disconnect (docs/DESIGN.md §3): revoke at the provider when it can (a failed revocation
 * does not block), wipe the credentials, keep the row as `disconnected` for the audit trail.
 */
import { randomUUID } from "node:crypto";

import { isSimulatedCrash } from "../crash-point";
import { getDb } from "../db/client";
import type { ProviderConnection } from "../db/schema";
import { createEvent } from "../events/create-event";
import { emitCollapsed } from "../events/emit-collapsed";
import { emitNow, withEvents } from "../events/emit";
import type { DisconnectionFailureReason } from "../failure-reasons";
import { getLogger } from "../logger";
import { findProvider } from "../providers/find-provider";
import { revokeToken, type RevocationOutcome } from "../providers/oauth-client";
import { openConnectionToken } from "../providers/token-vault";
import { findOwnedConnection, wipeAndDisconnect } from "./queries";

export type DisconnectResult =
  | { ok: true; connectionId: string; providerSlug: string; revocation: RevocationOutcome }
  | { ok: false; reason: DisconnectionFailureReason };

export async function disconnectConnection({ userId, connectionId }: { userId: string; connectionId: string }): Promise<DisconnectResult> {
  const db = await getDb();
  const correlationId = randomUUID();
  const connection = await findOwnedConnection({ db, userId, connectionId });
  // Someone else's id looks exactly like an id that does not exist.
  const live = connection && connection.status !== "disconnected" ? connection : null;
  const providerSlug = live?.providerSlug ?? "unknown";
  const base = { userId, connectionId, providerId: providerSlug, providerSlug };

  if (!live) {
    // An id that is not theirs (or no longer live) belongs to no run: collapsed, so repeating
    // it cannot flood the audit log.
    await emitCollapsed(userId, [
      createEvent("ProviderDisconnectionAttempted", base, { correlationId }),
      createEvent("ProviderDisconnectionFailed", { ...base, reason: "connection_not_found" }, { correlationId }),
    ]);
    return { ok: false, reason: "connection_not_found" };
  }
  await emitNow(createEvent("ProviderDisconnectionAttempted", base, { correlationId }));
  const fail = async (reason: DisconnectionFailureReason): Promise<DisconnectResult> => {
    await emitNow(createEvent("ProviderDisconnectionFailed", { ...base, reason }, { correlationId }));
    return { ok: false, reason };
  };

  let revocation: RevocationOutcome | null;
  try {
    revocation = await withEvents(async (tx, emit) => {
      // Revoke what the row holds under its lock, so a refresh cannot rotate the refresh
      // token between our read and the revocation (we would revoke a dead one).
      const locked = await findOwnedConnection({ db: tx, userId, connectionId, forUpdate: true });
      if (!locked || locked.status === "disconnected") return null; // a concurrent disconnect won
      const outcome = await revokeAtProvider(locked);
      await wipeAndDisconnect(tx, { row: locked, revocation: outcome, now: new Date() });
      // The outcome travels in the event, so the audit row's metadata records it.
      emit(createEvent("ProviderDisconnectionSucceeded", { ...base, revocationOutcome: outcome }, { correlationId }));
      return outcome;
    });
  } catch (error) {
    if (isSimulatedCrash(error)) throw error; // a crash test's kill is not a database error
    getLogger().error({ err: error, connectionId }, "disconnect failed in the database");
    return fail("database_error");
  }
  if (!revocation) return fail("connection_not_found");
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
