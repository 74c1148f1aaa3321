/**
 * Refreshes one connection's access token — the only place that does.
 *
 * One refresh at a time per connection across every process: the row is locked
 * (`FOR UPDATE`, or `SKIP LOCKED` for the sweep) and re-read under the lock, so a racer
 * that lost finds the fresh tokens and does nothing. The provider call happens under the
 * lock; the new tokens and the outcome event commit together; handlers run after.
 */
import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";

import { getDb, type Transaction } from "../db/client";
import { providerConnections, type ProviderConnection } from "../db/schema";
import { env } from "../env";
import {
  createEvent,
  dispatchEvent,
  recordEvent,
  REFRESH_FAILURE_REASONS,
  type DomainEvent,
  type RefreshFailureReason,
} from "../events/events";
import { findProvider } from "../providers/find-provider";
import { OAuthFlowError, refreshAccessToken, type TokenSet } from "../providers/oauth-client";
import { openConnectionToken, sealConnectionToken } from "../providers/token-vault";
import { refreshBackoffSeconds } from "./refresh-backoff";
import { assertTransition } from "./state-machine";

export type RefreshOutcome =
  | { status: "refreshed"; connectionId: string; accessTokenExpiresAt: Date | null }
  | { status: "skipped"; connectionId: string; why: "locked" | "not_found" | "not_active" | "not_due" | "backing_off" | "out_of_time" }
  | { status: "failed"; connectionId: string; reason: RefreshFailureReason; needsUserAction: boolean };

export interface RefreshOptions {
  connectionId: string;
  /** `skip`: give up when another process holds the row (the sweep); `wait`: queue behind it. */
  lock?: "skip" | "wait";
  /** Refresh even when the token is not due and ignore the backoff (manual "Refresh now"). */
  force?: boolean;
  now?: Date;
  /**
   * When the caller saw the connection as due (default: now). A refresh that finished
   * after that makes this one redundant — the racer's tokens are the fresh ones.
   */
  seenDueAt?: Date;
  /**
   * The access token a provider API just refused (401): refresh even when not due and
   * ignore the backoff — unless the row already holds a different token, because a racer
   * refreshed meanwhile (then this is a no-op, and two 401s cause one refresh).
   */
  rejectedAccessToken?: string;
}

/** Due when the access token expires within REFRESH_AHEAD_SECONDS (unknown expiry: never). */
export function isRefreshDue(connection: Pick<ProviderConnection, "accessTokenExpiresAt">, now = new Date()): boolean {
  const expiresAt = connection.accessTokenExpiresAt;
  return !!expiresAt && expiresAt.getTime() - now.getTime() <= env.REFRESH_AHEAD_SECONDS * 1000;
}

export async function refreshConnection({
  connectionId,
  lock = "skip",
  force = false,
  now = new Date(),
  seenDueAt = new Date(),
  rejectedAccessToken,
}: RefreshOptions): Promise<RefreshOutcome> {
  const db = await getDb();
  const events: DomainEvent[] = [];
  const outcome = await db.transaction(async (tx): Promise<RefreshOutcome> => {
    const query = tx.select().from(providerConnections).where(eq(providerConnections.id, connectionId)).limit(1);
    const [row] = lock === "skip" ? await query.for("update", { skipLocked: true }) : await query.for("update");
    if (!row) return { status: "skipped", connectionId, why: lock === "skip" ? "locked" : "not_found" };
    if (row.status !== "active") return { status: "skipped", connectionId, why: "not_active" };
    if (rejectedAccessToken !== undefined) {
      const current = row.accessTokenEnc ? openConnectionToken(row.id, "access_token", row.accessTokenEnc) : null;
      if (current !== rejectedAccessToken) return { status: "skipped", connectionId, why: "not_due" };
      force = true;
    }
    // Checked before "due": with lifetimes shorter than the lead time a fresh token is due at once.
    const refreshedMeanwhile = !!row.lastRefreshedAt && row.lastRefreshedAt > seenDueAt;
    if (!force && (refreshedMeanwhile || !isRefreshDue(row, now))) return { status: "skipped", connectionId, why: "not_due" };
    if (!force && row.nextRefreshAttemptAt && row.nextRefreshAttemptAt > now) {
      return { status: "skipped", connectionId, why: "backing_off" };
    }

    const correlationId = randomUUID();
    const base = { userId: row.userId, connectionId, providerId: row.providerSlug, providerSlug: row.providerSlug };
    const attempted = createEvent("ProviderTokenRefreshAttempted", base, { correlationId });
    await recordEvent(tx, attempted);
    events.push(attempted);

    const fail = async (reason: RefreshFailureReason, needsUserAction: boolean, retryAfterSeconds: number | null) => {
      await recordFailure(tx, row, { reason, needsUserAction, retryAfterSeconds, now });
      const failed = createEvent("ProviderTokenRefreshFailed", { ...base, reason, needsUserAction }, { correlationId });
      await recordEvent(tx, failed);
      events.push(failed);
      return { status: "failed", connectionId, reason, needsUserAction } as const;
    };

    const provider = findProvider(row.providerSlug);
    if (!provider) return fail("invalid_credentials", false, null);
    // Past a hard refresh-token/consent lifetime no request can help; don't make one.
    if (!row.refreshTokenEnc || (row.refreshTokenExpiresAt && row.refreshTokenExpiresAt <= now)) {
      return fail("refresh_token_expired", true, null);
    }

    let tokens: TokenSet;
    try {
      tokens = await refreshAccessToken(provider, openConnectionToken(row.id, "refresh_token", row.refreshTokenEnc));
    } catch (error) {
      const sorted = sortFailure(error);
      return fail(sorted.reason, sorted.needsUserAction, sorted.retryAfterSeconds);
    }

    await tx
      .update(providerConnections)
      .set({
        accessTokenEnc: sealConnectionToken(row.id, "access_token", tokens.accessToken),
        // A rotated refresh token replaces the old one; no new one means the old one stays valid.
        refreshTokenEnc: tokens.refreshToken ? sealConnectionToken(row.id, "refresh_token", tokens.refreshToken) : row.refreshTokenEnc,
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? row.refreshTokenExpiresAt,
        scope: tokens.scope ?? row.scope,
        tokenType: tokens.tokenType,
        lastRefreshedAt: new Date(),
        refreshFailures: 0,
        nextRefreshAttemptAt: null,
        statusReason: null,
        updatedAt: now,
      })
      .where(eq(providerConnections.id, row.id));
    const succeeded = createEvent("ProviderTokenRefreshSucceeded", base, { correlationId });
    await recordEvent(tx, succeeded);
    events.push(succeeded);
    return { status: "refreshed", connectionId, accessTokenExpiresAt: tokens.accessTokenExpiresAt };
  });

  for (const event of events) await dispatchEvent(event);
  return outcome;
}

/**
 * A failure only the user can fix ends the connection (`expired` or `revoked`; the
 * email handler sends one "reconnect" email for the event). Anything else keeps it
 * active and schedules the next try with backoff.
 */
async function recordFailure(
  tx: Transaction,
  row: ProviderConnection,
  { reason, needsUserAction, retryAfterSeconds, now }: { reason: RefreshFailureReason; needsUserAction: boolean; retryAfterSeconds: number | null; now: Date },
) {
  if (needsUserAction) {
    await tx
      .update(providerConnections)
      .set({
        status: assertTransition(row.status, reason === "provider_revoked" ? "revoke" : "expire"),
        statusReason: reason,
        // The grant is dead: keep nothing that looks like a credential.
        accessTokenEnc: null,
        refreshTokenEnc: null,
        nextRefreshAttemptAt: null,
        updatedAt: now,
      })
      .where(eq(providerConnections.id, row.id));
    return;
  }
  const failures = row.refreshFailures + 1;
  await tx
    .update(providerConnections)
    .set({
      refreshFailures: failures,
      nextRefreshAttemptAt: new Date(now.getTime() + refreshBackoffSeconds(failures, { retryAfterSeconds }) * 1000),
      statusReason: reason,
      updatedAt: now,
    })
    .where(eq(providerConnections.id, row.id));
}

function sortFailure(error: unknown): { reason: RefreshFailureReason; needsUserAction: boolean; retryAfterSeconds: number | null } {
  if (!(error instanceof OAuthFlowError)) return { reason: "network_error", needsUserAction: false, retryAfterSeconds: null };
  const reasons: readonly string[] = REFRESH_FAILURE_REASONS;
  const reason = reasons.includes(error.code) ? (error.code as RefreshFailureReason) : "provider_unavailable";
  // Only a dead grant needs the user; bad client credentials are the operator's to fix.
  const needsUserAction = reason === "refresh_token_expired" || reason === "provider_revoked";
  return { reason, needsUserAction, retryAfterSeconds: error.retryAfterSeconds };
}
