/**
 * The accounts path's share of the credential scan: every `provider_accounts` and
 * `account_reads` row of the given connections, as text for findCredentialLeaks().
 */
import { inArray } from "drizzle-orm";

import { getDb } from "@/lib/db/client";
import { accountReads, providerAccounts } from "@/lib/db/schema";

import type { Artifact } from "./credential-scan";

export async function collectAccountArtifacts({ connectionIds }: { connectionIds: string[] }): Promise<Artifact[]> {
  const db = await getDb();
  const accounts = await db.select().from(providerAccounts).where(inArray(providerAccounts.connectionId, connectionIds));
  const reads = await db.select().from(accountReads).where(inArray(accountReads.connectionId, connectionIds));
  return [
    ...accounts.map((row) => ({ source: `provider_accounts ${row.id}`, content: JSON.stringify(row) })),
    ...reads.map((row) => ({ source: `account_reads ${row.id}`, content: JSON.stringify(row) })),
  ];
}
