/**
 * Step two of connecting a bank: the provider sent the browser back to
 * /connections/callback/<slug>. Checks the single-use state, exchanges the code (PKCE) and
 * activates the connection, or ends the run with ProviderConnectionFailed.
 */
import { getDb } from "../db/client";
import { createEvent } from "../events/create-event";
import { emitNow, withEvents } from "../events/emit";
import { CONNECTION_FAILURE_REASONS, type ConnectionFailureReason } from "../failure-reasons";
import { findProvider } from "../providers/find-provider";
import { exchangeAuthorizationCode, OAuthFlowError, type TokenSet } from "../providers/oauth-client";
import { consumeOAuthState } from "./oauth-state";
import { activateConnection, failPendingConnection, findOwnedConnection } from "./queries";

export type CompleteConnectResult =
  | { ok: true; connectionId: string; providerSlug: string }
  | { ok: false; reason: ConnectionFailureReason; providerSlug: string };

export async function completeConnect({
  userId,
  providerSlug,
  callbackUrl,
}: {
  /** The signed-in user who came back from the provider. */
  userId: string;
  providerSlug: string;
  callbackUrl: URL;
}): Promise<CompleteConnectResult> {
  const db = await getDb();
  const provider = findProvider(providerSlug);
  const stateParam = callbackUrl.searchParams.get("state");
  const consumed = stateParam ? await consumeOAuthState(db, stateParam) : null;
  const correlationId = consumed?.correlationId;

  const base = { userId, providerId: providerSlug, providerSlug };
  const failed = async (reason: ConnectionFailureReason, connectionId?: string): Promise<CompleteConnectResult> => {
    const event = createEvent("ProviderConnectionFailed", { ...base, reason }, { correlationId });
    if (connectionId) {
      // A first connection that fails ends `failed`; a reconnect that fails keeps its state.
      await withEvents(async (tx, emit) => {
        await failPendingConnection(tx, { connectionId, reason, now: new Date() });
        emit(event);
      });
    } else {
      await emitNow(event);
    }
    return { ok: false, reason, providerSlug };
  };

  // A state that is missing, unknown, replayed, expired, or minted for another user or
  // provider proves nothing about this request: refuse it without touching any connection.
  if (!provider || !consumed || consumed.expired || consumed.userId !== userId || consumed.providerSlug !== providerSlug) {
    return failed("invalid_state");
  }

  // The client checks `iss`, then the state, then an `error` (access_denied → user_cancelled).
  let tokens: TokenSet;
  try {
    tokens = await exchangeAuthorizationCode(provider, {
      callbackUrl,
      expectedState: stateParam!,
      codeVerifier: consumed.codeVerifier,
      redirectUri: provider.redirectUri,
    });
  } catch (error) {
    return failed(connectionReason(error), consumed.connectionId);
  }

  const now = new Date();
  const activated = await withEvents(async (tx, emit) => {
    const row = await findOwnedConnection({ db: tx, userId, connectionId: consumed.connectionId, forUpdate: true });
    if (!row || row.status === "disconnected") return false;
    const refreshTokenExpiresAt = tokens.refreshTokenExpiresAt ?? hardRefreshExpiry(provider.refreshTokenLifetimeSeconds, now);
    await activateConnection(tx, { row, tokens, refreshTokenExpiresAt, now });
    emit(createEvent("ProviderConnectionSucceeded", { ...base, connectionId: row.id }, { correlationId }));
    return true;
  });
  if (!activated) return failed("invalid_state");
  return { ok: true, connectionId: consumed.connectionId, providerSlug };
}

function hardRefreshExpiry(lifetimeSeconds: number | undefined, now: Date): Date | null {
  return lifetimeSeconds ? new Date(now.getTime() + lifetimeSeconds * 1000) : null;
}

function connectionReason(error: unknown): ConnectionFailureReason {
  if (!(error instanceof OAuthFlowError)) return "provider_unavailable";
  const reasons: readonly string[] = CONNECTION_FAILURE_REASONS;
  return reasons.includes(error.code) ? (error.code as ConnectionFailureReason) : "provider_unavailable";
}
