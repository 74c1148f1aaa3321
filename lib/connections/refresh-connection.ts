/**
 * Refreshes one connection's access token — the only place that does. One refresh at a time
 * per connection across every process: the row is locked and re-read under the lock, so a
 * racer that lost finds the fresh tokens and does nothing (docs/DESIGN.md §3 and §7).
 */
import { randomUUID } from "node:crypto";

import type { ProviderConnection } from "../db/schema";
import { env } from "../env";
import { createEvent } from "../events/create-event";
import { withEvents } from "../events/emit";
import { REFRESH_FAILURE_REASONS, type RefreshFailureReason } from "../failure-reasons";
import { findProvider } from "../providers/find-provider";
import { OAuthFlowError, refreshAccessToken, type TokenSet } from "../providers/oauth-client";
import { openConnectionToken } from "../providers/token-vault";
import { lockConnection, markRefreshed, recordRefreshFailure } from "./queries";
import { refreshBackoffSeconds } from "./refresh-backoff";

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
  // The sweep waits for the handlers: it has no one waiting and must not pile work up past its batch.
  return withEvents(
    async (tx, emit): Promise<RefreshOutcome> => {
      const row = await lockConnection(tx, connectionId, lock);
      if (!row) return { status: "skipped", connectionId, why: lock === "skip" ? "locked" : "not_found" };
      if (row.status !== "active") return { status: "skipped", connectionId, why: "not_active" };
      if (rejectedAccessToken !== undefined) {
        // A reader's token was refused (401): refresh only if no one has replaced it meanwhile.
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
      emit(createEvent("ProviderTokenRefreshAttempted", base, { correlationId }));

      const fail = async ({ reason, needsUserAction, retryAfterSeconds }: SortedFailure) => {
        const nextAttemptAt = new Date(now.getTime() + refreshBackoffSeconds(row.refreshFailures + 1, { retryAfterSeconds }) * 1000);
        await recordRefreshFailure(tx, { row, reason, needsUserAction, nextAttemptAt, now });
        emit(createEvent("ProviderTokenRefreshFailed", { ...base, reason, needsUserAction }, { correlationId }));
        return { status: "failed", connectionId, reason, needsUserAction } as const;
      };

      const provider = findProvider(row.providerSlug);
      if (!provider) return fail({ reason: "invalid_credentials", needsUserAction: false, retryAfterSeconds: null });
      // Past a hard refresh-token/consent lifetime no request can help; don't make one.
      if (!row.refreshTokenEnc || (row.refreshTokenExpiresAt && row.refreshTokenExpiresAt <= now)) {
        return fail({ reason: "refresh_token_expired", needsUserAction: true, retryAfterSeconds: null });
      }

      let tokens: TokenSet;
      try {
        tokens = await refreshAccessToken(provider, openConnectionToken(row.id, "refresh_token", row.refreshTokenEnc));
      } catch (error) {
        return fail(sortFailure(error));
      }

      await markRefreshed(tx, { row, tokens, now });
      emit(createEvent("ProviderTokenRefreshSucceeded", base, { correlationId }));
      return { status: "refreshed", connectionId, accessTokenExpiresAt: tokens.accessTokenExpiresAt };
    },
    { handlers: "now" },
  );
}

interface SortedFailure {
  reason: RefreshFailureReason;
  needsUserAction: boolean;
  retryAfterSeconds: number | null;
}

function sortFailure(error: unknown): SortedFailure {
  if (!(error instanceof OAuthFlowError)) return { reason: "network_error", needsUserAction: false, retryAfterSeconds: null };
  const reasons: readonly string[] = REFRESH_FAILURE_REASONS;
  const reason = reasons.includes(error.code) ? (error.code as RefreshFailureReason) : "provider_unavailable";
  // Only a dead grant needs the user; bad client credentials are the operator's to fix.
  const needsUserAction = reason === "refresh_token_expired" || reason === "provider_revoked";
  return { reason, needsUserAction, retryAfterSeconds: error.retryAfterSeconds };
}
