/**
 * Step two of connecting a bank: the provider sent the browser back to
 * /connections/callback/<slug>. Claims the caller's own single-use state, exchanges the code
 * (PKCE) and activates the connection, or ends the run with ProviderConnectionFailed.
 *
 * Crash safety (docs/DESIGN.md §7): the state row stays, claimed, until the flow has its
 * outcome, and the grant is kept on it (sealed) between the code exchange and activation.
 * Whatever point a process dies at, the sweep later finds the expired state, revokes the
 * grant it holds, fails the pending row and emits the run's outcome.
 */
import { crashPoint } from "../crash-point";
import { getDb } from "../db/client";
import { createEvent } from "../events/create-event";
import { emitCollapsed } from "../events/emit-collapsed";
import { withEvents } from "../events/emit";
import { CONNECTION_FAILURE_REASONS, type ConnectionFailureReason } from "../failure-reasons";
import { getLogger } from "../logger";
import { findProvider } from "../providers/find-provider";
import { exchangeAuthorizationCode, OAuthFlowError, revokeToken, type OAuthProviderConfig, type TokenSet } from "../providers/oauth-client";
import { claimOAuthState, keepPendingGrant, releaseOAuthState, type ClaimedState } from "./oauth-state";
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
  const provider = findProvider(providerSlug);
  // An unknown provider is a bad address (the route answers 404): no event, nothing stored.
  if (!provider) return { ok: false, reason: "invalid_state", providerSlug };

  const db = await getDb();
  const stateParam = callbackUrl.searchParams.get("state");
  // Only the caller's own unclaimed state is claimed: someone else's stays untouched.
  const claimed = stateParam ? await claimOAuthState(db, { state: stateParam, userId }) : null;
  const base = { userId, providerId: provider.slug, providerSlug: provider.slug };

  if (!claimed) {
    // Missing, unknown, replayed, or someone else's: it belongs to no run of this user.
    // Collapsed, so repeating it cannot flood the audit log.
    await emitCollapsed(userId, [createEvent("ProviderConnectionFailed", { ...base, reason: "invalid_state" })]);
    return { ok: false, reason: "invalid_state", providerSlug: provider.slug };
  }

  const { correlationId } = claimed;
  // The flow's outcome: fail its pending row (a reconnect keeps its state), release the state.
  const failed = async (reason: ConnectionFailureReason): Promise<CompleteConnectResult> => {
    await withEvents(async (tx, emit) => {
      // The sweep took the state first: it gave the outcome already.
      if (!(await releaseOAuthState(tx, claimed.stateHash))) return;
      await failPendingConnection(tx, { connectionId: claimed.connectionId, reason, now: new Date() });
      emit(createEvent("ProviderConnectionFailed", { ...base, reason }, { correlationId }));
    });
    return { ok: false, reason, providerSlug: provider.slug };
  };

  if (claimed.expired || claimed.providerSlug !== provider.slug) return failed("invalid_state");
  crashPoint("connect:after-claim");

  // The client checks `iss`, then the state, then an `error` (access_denied → user_cancelled).
  let tokens: TokenSet;
  try {
    tokens = await exchangeAuthorizationCode(provider, {
      callbackUrl,
      expectedState: stateParam!,
      codeVerifier: claimed.codeVerifier,
      redirectUri: provider.redirectUri,
    });
  } catch (error) {
    return failed(connectionReason(error));
  }
  crashPoint("connect:after-exchange");

  // Kept durably before activation: a crash from here on leaves the sweep a grant to revoke.
  await keepPendingGrant(db, claimed.stateHash, grantToRevoke(tokens));
  crashPoint("connect:after-grant-kept");

  const now = new Date();
  const outcome = await withEvents(async (tx, emit): Promise<"activated" | "disconnected" | "taken"> => {
    const row = await findOwnedConnection({ db: tx, userId, connectionId: claimed.connectionId, forUpdate: true });
    if (!(await releaseOAuthState(tx, claimed.stateHash))) return "taken";
    if (!row || row.status === "disconnected") {
      emit(createEvent("ProviderConnectionFailed", { ...base, reason: "invalid_state" }, { correlationId }));
      return "disconnected";
    }
    const refreshTokenExpiresAt = tokens.refreshTokenExpiresAt ?? hardRefreshExpiry(provider.refreshTokenLifetimeSeconds, now);
    await activateConnection(tx, { row, tokens, refreshTokenExpiresAt, now });
    emit(createEvent("ProviderConnectionSucceeded", { ...base, connectionId: row.id }, { correlationId }));
    return "activated";
  });
  if (outcome === "activated") return { ok: true, connectionId: claimed.connectionId, providerSlug: provider.slug };
  // Disconnected while the flow was in flight, or closed by the sweep: the grant we hold
  // would otherwise stay live at the provider with no one able to revoke it.
  await revokeGrant(provider, tokens, claimed);
  return { ok: false, reason: "invalid_state", providerSlug: provider.slug };
}

/** The refresh token ends the whole grant; without one, the access token is all there is. */
function grantToRevoke(tokens: TokenSet) {
  return tokens.refreshToken
    ? { field: "refresh_token" as const, token: tokens.refreshToken }
    : { field: "access_token" as const, token: tokens.accessToken };
}

async function revokeGrant(provider: OAuthProviderConfig, tokens: TokenSet, claimed: ClaimedState): Promise<void> {
  const { field, token } = grantToRevoke(tokens);
  const outcome = await revokeToken(provider, token, field);
  getLogger().info({ connectionId: claimed.connectionId, revocation: outcome }, "callback's grant not stored; revoked at the provider");
}

function hardRefreshExpiry(lifetimeSeconds: number | undefined, now: Date): Date | null {
  return lifetimeSeconds ? new Date(now.getTime() + lifetimeSeconds * 1000) : null;
}

function connectionReason(error: unknown): ConnectionFailureReason {
  if (!(error instanceof OAuthFlowError)) return "provider_unavailable";
  const reasons: readonly string[] = CONNECTION_FAILURE_REASONS;
  return reasons.includes(error.code) ? (error.code as ConnectionFailureReason) : "provider_unavailable";
}
