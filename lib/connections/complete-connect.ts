/**
 * Step two of connecting a bank: the provider sent the browser back to
 * /connections/callback/<slug>. Checks the single-use state, exchanges the code (PKCE),
 * seals the tokens and activates the connection — ProviderConnectionSucceeded in the same
 * transaction — or records ProviderConnectionFailed with the reason.
 */
import { eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { findOwnedConnection } from "../db/queries/connections";
import { providerConnections } from "../db/schema";
import {
  CONNECTION_FAILURE_REASONS,
  createEvent,
  dispatchAfterResponse,
  publishEvent,
  recordEvent,
  type ConnectionFailureReason,
} from "../events/events";
import { findProvider } from "../providers/find-provider";
import { exchangeAuthorizationCode, OAuthFlowError, type TokenSet } from "../providers/oauth-client";
import { sealConnectionToken } from "../providers/token-vault";
import { setCorrelationId } from "../request-context";
import { consumeOAuthState } from "./oauth-state";
import { assertTransition } from "./state-machine";

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
  if (consumed) setCorrelationId(consumed.correlationId);

  const base = { userId, providerId: providerSlug, providerSlug };
  const failed = async (reason: ConnectionFailureReason, connectionId?: string): Promise<CompleteConnectResult> => {
    const event = createEvent("ProviderConnectionFailed", { ...base, reason }, { correlationId: consumed?.correlationId });
    if (connectionId) {
      // A first connection that fails ends `failed`; a reconnect that fails keeps its state.
      await db.transaction(async (tx) => {
        const connection = await findOwnedConnection({ db: tx, userId, connectionId, forUpdate: true });
        if (connection?.status === "pending") {
          await tx
            .update(providerConnections)
            .set({ status: assertTransition("pending", "fail"), statusReason: reason, updatedAt: new Date() })
            .where(eq(providerConnections.id, connectionId));
        }
        await recordEvent(tx, event);
      });
      await dispatchAfterResponse(event);
    } else {
      await publishEvent(event);
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

  const succeeded = createEvent(
    "ProviderConnectionSucceeded",
    { ...base, connectionId: consumed.connectionId },
    { correlationId: consumed.correlationId },
  );
  const now = new Date();
  const activated = await db.transaction(async (tx) => {
    const connection = await findOwnedConnection({ db: tx, userId, connectionId: consumed.connectionId, forUpdate: true });
    if (!connection || connection.status === "disconnected") return false;
    await tx
      .update(providerConnections)
      .set({
        // Renewing consent before a hard expiry keeps an active connection active.
        status: assertTransition(connection.status, connection.status === "active" ? "refresh" : "activate"),
        statusReason: null,
        accessTokenEnc: sealConnectionToken(connection.id, "access_token", tokens.accessToken),
        // A provider that sends no refresh token on reconnect leaves the old one valid.
        refreshTokenEnc: tokens.refreshToken
          ? sealConnectionToken(connection.id, "refresh_token", tokens.refreshToken)
          : connection.refreshTokenEnc,
        tokenType: tokens.tokenType,
        scope: tokens.scope,
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? hardRefreshExpiry(provider.refreshTokenLifetimeSeconds, now),
        connectedAt: now,
        lastRefreshedAt: null,
        refreshFailures: 0,
        nextRefreshAttemptAt: null,
        reauthWarningSentAt: null,
        updatedAt: now,
      })
      .where(eq(providerConnections.id, connection.id));
    await recordEvent(tx, succeeded);
    return true;
  });
  if (!activated) return failed("invalid_state");
  await dispatchAfterResponse(succeeded);
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
