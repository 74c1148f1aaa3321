/**
 * Re-encrypts every stored credential that is not sealed with the current (first) key
 * of TOKEN_ENCRYPTION_KEYS. Run after putting a new key first; once it reports nothing
 * left, the old key can be removed. Safe to re-run and to run beside the app: each row
 * is re-read under a row lock.
 */
import { and, eq, isNotNull, or, sql } from "drizzle-orm";

import { getDb } from "../db/client";
import { env } from "../env";
import { oauthStates, providerConnections } from "../db/schema";
import type { TokenCipher } from "./token-crypto";
import { codeVerifierContext, connectionTokenContext, getTokenCipher, type ConnectionTokenField } from "./token-vault";

export interface RotationSummary {
  connections: number;
  codeVerifiers: number;
}

export async function rotateTokenKeys({
  cipher = getTokenCipher(),
  currentKeyId = env.TOKEN_ENCRYPTION_KEYS[0]!.kid,
  batchSize = 200,
}: { cipher?: TokenCipher; currentKeyId?: string; batchSize?: number } = {}): Promise<RotationSummary> {
  const db = await getDb();
  // Sealed values start with `v1.<kid>.`: the database can find the stale ones by prefix.
  const current = `v1.${currentKeyId}.`;
  const summary: RotationSummary = { connections: 0, codeVerifiers: 0 };

  for (;;) {
    const rotated = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: providerConnections.id, access: providerConnections.accessTokenEnc, refresh: providerConnections.refreshTokenEnc })
        .from(providerConnections)
        .where(
          or(
            and(isNotNull(providerConnections.accessTokenEnc), sql`${providerConnections.accessTokenEnc} not like ${`${current}%`}`),
            and(isNotNull(providerConnections.refreshTokenEnc), sql`${providerConnections.refreshTokenEnc} not like ${`${current}%`}`),
          ),
        )
        .limit(batchSize)
        .for("update", { skipLocked: true });
      for (const row of rows) {
        await tx
          .update(providerConnections)
          .set({
            accessTokenEnc: reseal(cipher, row.access, row.id, "access_token"),
            refreshTokenEnc: reseal(cipher, row.refresh, row.id, "refresh_token"),
          })
          .where(eq(providerConnections.id, row.id));
      }
      return rows.length;
    });
    summary.connections += rotated;
    if (rotated < batchSize) break;
  }

  const states = await db
    .select({ stateHash: oauthStates.stateHash, sealed: oauthStates.codeVerifierEnc })
    .from(oauthStates)
    .where(sql`${oauthStates.codeVerifierEnc} not like ${`${current}%`}`);
  for (const state of states) {
    const context = codeVerifierContext(state.stateHash);
    await db
      .update(oauthStates)
      .set({ codeVerifierEnc: cipher.encrypt(cipher.decrypt(state.sealed, context), context) })
      .where(and(eq(oauthStates.stateHash, state.stateHash), eq(oauthStates.codeVerifierEnc, state.sealed)));
    summary.codeVerifiers += 1;
  }
  return summary;
}

function reseal(cipher: TokenCipher, sealed: string | null, connectionId: string, field: ConnectionTokenField): string | null {
  if (!sealed || cipher.isCurrent(sealed)) return sealed;
  const context = connectionTokenContext(connectionId, field);
  return cipher.encrypt(cipher.decrypt(sealed, context), context);
}
