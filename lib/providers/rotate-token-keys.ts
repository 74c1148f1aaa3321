/**
 * Re-encrypts every stored credential that is not sealed with the current (first) key
 * of TOKEN_ENCRYPTION_KEYS. Run after putting a new key first; once it reports nothing
 * left, the old key can be removed. Safe to re-run and to run beside the app: each batch
 * re-reads its rows under row locks. A value no key opens is reported, never dropped.
 */
import { and, asc, eq, gt, isNotNull, or, sql } from "drizzle-orm";

import type { AnyPgColumn } from "drizzle-orm/pg-core";

import { getDb } from "../db/client";
import { oauthStates, providerConnections } from "../db/schema";
import { env } from "../env";
import { getLogger } from "../logger";
import type { TokenCipher } from "../crypto/token-crypto";
import { codeVerifierContext, connectionTokenContext, getTokenCipher, type ConnectionTokenField } from "./token-vault";

export interface RotationSummary {
  connections: number;
  codeVerifiers: number;
  /** Rows whose credentials no configured key opens (left as they are). */
  unreadable: number;
}

export async function rotateTokenKeys({
  cipher = getTokenCipher(),
  currentKeyId = env.TOKEN_ENCRYPTION_KEYS[0]!.kid,
  batchSize = 200,
}: { cipher?: TokenCipher; currentKeyId?: string; batchSize?: number } = {}): Promise<RotationSummary> {
  const db = await getDb();
  // Sealed values are `v1.<kid>.<iv>.<ciphertext>.<tag>`: the key id is the second field.
  const stale = (column: AnyPgColumn) => and(isNotNull(column), sql`split_part(${column}, '.', 2) <> ${currentKeyId}`);
  const summary: RotationSummary = { connections: 0, codeVerifiers: 0, unreadable: 0 };

  // Walk by id so a row that cannot be re-encrypted is passed once, not forever.
  for (let afterId = ""; ; ) {
    const batch = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: providerConnections.id, access: providerConnections.accessTokenEnc, refresh: providerConnections.refreshTokenEnc })
        .from(providerConnections)
        .where(
          and(
            afterId ? gt(providerConnections.id, afterId) : undefined,
            or(stale(providerConnections.accessTokenEnc), stale(providerConnections.refreshTokenEnc)),
          ),
        )
        .orderBy(asc(providerConnections.id))
        .limit(batchSize)
        .for("update");
      for (const row of rows) {
        try {
          await tx
            .update(providerConnections)
            .set({
              accessTokenEnc: reseal(cipher, row.access, row.id, "access_token"),
              refreshTokenEnc: reseal(cipher, row.refresh, row.id, "refresh_token"),
            })
            .where(eq(providerConnections.id, row.id));
          summary.connections += 1;
        } catch (error) {
          summary.unreadable += 1;
          getLogger().error({ connectionId: row.id, err: { name: (error as Error).name } }, "credential could not be re-encrypted");
        }
      }
      return rows;
    });
    if (batch.length < batchSize) break;
    afterId = batch[batch.length - 1]!.id;
  }

  const states = await db
    .select({ stateHash: oauthStates.stateHash, sealed: oauthStates.codeVerifierEnc })
    .from(oauthStates)
    .where(sql`split_part(${oauthStates.codeVerifierEnc}, '.', 2) <> ${currentKeyId}`);
  for (const state of states) {
    const context = codeVerifierContext(state.stateHash);
    try {
      await db
        .update(oauthStates)
        .set({ codeVerifierEnc: cipher.encrypt(cipher.decrypt(state.sealed, context), context) })
        .where(and(eq(oauthStates.stateHash, state.stateHash), eq(oauthStates.codeVerifierEnc, state.sealed)));
      summary.codeVerifiers += 1;
    } catch {
      summary.unreadable += 1; // an unreadable state is worthless anyway: it expires in minutes
    }
  }
  return summary;
}

function reseal(cipher: TokenCipher, sealed: string | null, connectionId: string, field: ConnectionTokenField): string | null {
  if (!sealed || cipher.isCurrent(sealed)) return sealed;
  const context = connectionTokenContext(connectionId, field);
  return cipher.encrypt(cipher.decrypt(sealed, context), context);
}
