/**
 * The OAuth `state` of a connect flow: random, single use, bound to the signed-in user
 * and the provider, valid 10 minutes, kept in the database (serverless instances share
 * nothing else). Only its SHA-256 is stored; the PKCE verifier beside it is sealed.
 */
import { createHash } from "node:crypto";

import { eq, inArray, lt } from "drizzle-orm";

import type { Executor, Transaction } from "../db/client";
import { oauthStates } from "../db/schema";
import { openCodeVerifier, sealCodeVerifier } from "../providers/token-vault";

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

export interface ConsumedState {
  userId: string;
  providerSlug: string;
  connectionId: string;
  alias: string;
  correlationId: string;
  codeVerifier: string;
  expired: boolean;
}

/**
 * Takes the state out of the database in one statement, so a replayed callback finds
 * nothing: exactly one request can ever consume a given state.
 */
export async function consumeOAuthState(db: Executor, state: string, now = new Date()): Promise<ConsumedState | null> {
  const stateHash = hashState(state);
  const [row] = await db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
  if (!row) return null;
  return {
    userId: row.userId,
    providerSlug: row.providerSlug,
    connectionId: row.connectionId,
    alias: row.alias,
    correlationId: row.correlationId,
    codeVerifier: openCodeVerifier(stateHash, row.codeVerifierEnc),
    expired: row.expiresAt.getTime() <= now.getTime(),
  };
}

/** Removes states that expired (flows that never came back) and answers them; rows another sweep holds are skipped. */
export async function takeExpiredOAuthStates(tx: Transaction, { now, limit }: { now: Date; limit: number }) {
  const expired = await tx.select().from(oauthStates).where(lt(oauthStates.expiresAt, now)).limit(limit).for("update", { skipLocked: true });
  if (expired.length > 0) await tx.delete(oauthStates).where(inArray(oauthStates.stateHash, expired.map((s) => s.stateHash)));
  return expired;
}
