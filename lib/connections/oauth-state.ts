/**
 * The OAuth `state` of a connect flow: random, single use, bound to the signed-in user
 * and the provider, valid 10 minutes, kept in the database (serverless instances share
 * nothing else). Only its SHA-256 is stored; the PKCE verifier beside it is sealed.
 */
import { createHash } from "node:crypto";

import { and, eq, inArray, isNull, lt } from "drizzle-orm";

import type { Executor, Transaction } from "../db/client";
import { oauthStates } from "../db/schema";
import { openCodeVerifier, openPendingGrant, sealCodeVerifier, sealPendingGrant, type PendingGrant } from "../providers/token-vault";

export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

export function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

export async function saveOAuthState(
  db: Executor,
  input: {
    state: string;
    codeVerifier: string;
    userId: string;
    providerSlug: string;
    connectionId: string;
    alias: string;
    correlationId: string;
    now?: Date;
  },
): Promise<void> {
  const stateHash = hashState(input.state);
  const now = input.now ?? new Date();
  await db.insert(oauthStates).values({
    stateHash,
    codeVerifierEnc: sealCodeVerifier(stateHash, input.codeVerifier),
    userId: input.userId,
    providerSlug: input.providerSlug,
    connectionId: input.connectionId,
    alias: input.alias,
    correlationId: input.correlationId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_SECONDS * 1000),
  });
}

export interface ClaimedState {
  stateHash: string;
  userId: string;
  providerSlug: string;
  connectionId: string;
  alias: string;
  correlationId: string;
  codeVerifier: string;
  expired: boolean;
}

/**
 * Claims the caller's own, unclaimed state in one statement: exactly one request can ever
 * claim a given state, and a state minted for someone else is not touched (its owner's flow
 * goes on). The row stays until the flow has its outcome (`releaseOAuthState`), so a crash
 * after the claim leaves it for the sweep.
 */
export async function claimOAuthState(
  db: Executor,
  { state, userId, now = new Date() }: { state: string; userId: string; now?: Date },
): Promise<ClaimedState | null> {
  const stateHash = hashState(state);
  const [row] = await db
    .update(oauthStates)
    .set({ claimedAt: now })
    .where(and(eq(oauthStates.stateHash, stateHash), eq(oauthStates.userId, userId), isNull(oauthStates.claimedAt)))
    .returning();
  if (!row) return null;
  return {
    stateHash,
    userId: row.userId,
    providerSlug: row.providerSlug,
    connectionId: row.connectionId,
    alias: row.alias,
    correlationId: row.correlationId,
    codeVerifier: openCodeVerifier(stateHash, row.codeVerifierEnc),
    expired: row.expiresAt.getTime() <= now.getTime(),
  };
}

/** Keeps the grant just obtained (sealed) on the claimed state until activation. */
export async function keepPendingGrant(db: Executor, stateHash: string, grant: PendingGrant): Promise<void> {
  await db.update(oauthStates).set({ grantEnc: sealPendingGrant(stateHash, grant) }).where(eq(oauthStates.stateHash, stateHash));
}

/**
 * Deletes the state as its flow gets an outcome, in the outcome's transaction. False when
 * the sweep took it first (the sweep then gave the outcome and revoked the grant it held).
 */
export async function releaseOAuthState(tx: Transaction, stateHash: string): Promise<boolean> {
  const rows = await tx.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning({ stateHash: oauthStates.stateHash });
  return rows.length > 0;
}

/**
 * Removes states that expired (flows that never came back, or callbacks that died after the
 * claim) and answers them; rows another sweep or a callback in its outcome holds are skipped.
 */
export async function takeExpiredOAuthStates(tx: Transaction, { now, limit }: { now: Date; limit: number }) {
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: row locks show only on PostgreSQL (PGlite runs one transaction at a time); "rows another pass holds are skipped, not waited for" kills these there.
  const expired = await tx.select().from(oauthStates).where(lt(oauthStates.expiresAt, now)).limit(limit).for("update", { skipLocked: true });
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with no rows, inArray gives `false` and the delete removes nothing; the check only saves a statement.
  if (expired.length > 0) await tx.delete(oauthStates).where(inArray(oauthStates.stateHash, expired.map((s) => s.stateHash)));
  return expired.map((row) => ({
    ...row,
    grant: row.grantEnc ? openPendingGrant(row.stateHash, row.grantEnc) : null,
  }));
}
