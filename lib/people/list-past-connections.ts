import "server-only";

import { and, desc, eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { providerConnections } from "../db/schema";

export type RevocationOutcome = "revoked" | "unsupported" | "failed" | "no_credentials";

export interface PastConnection {
  id: string;
  providerSlug: string;
  alias: string;
  disconnectedAt: Date | null;
  revocationOutcome: RevocationOutcome | null;
}

/** Disconnected connections, newest first: what /connections lists under "Past connections". */
export async function listPastConnections({ userId, limit = 50 }: { userId: string; limit?: number }): Promise<PastConnection[]> {
  const db = await getDb();
  const rows = await db
    .select({
      id: providerConnections.id,
      providerSlug: providerConnections.providerSlug,
      alias: providerConnections.alias,
      disconnectedAt: providerConnections.disconnectedAt,
      revocationOutcome: providerConnections.revocationOutcome,
    })
    .from(providerConnections)
    .where(and(eq(providerConnections.userId, userId), eq(providerConnections.status, "disconnected")))
    .orderBy(desc(providerConnections.disconnectedAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, revocationOutcome: (r.revocationOutcome as RevocationOutcome | null) ?? null }));
}

/** What happened at the bank, and what the person can do about it. */
export function revocationText(outcome: RevocationOutcome | null, providerName: string): { label: string; advice: string | null } {
  switch (outcome) {
    case "revoked":
      return { label: `Access revoked at ${providerName}`, advice: null };
    case "unsupported":
      return {
        label: `${providerName} offers no revocation`,
        advice: `Ledgerlink deleted its keys. To be sure, remove Ledgerlink from the connected apps in your ${providerName} settings.`,
      };
    case "failed":
      return {
        label: "Revocation at the bank failed",
        advice: `Ledgerlink deleted its keys, but ${providerName} did not confirm. Remove Ledgerlink from the connected apps in your ${providerName} settings.`,
      };
    case "no_credentials":
      return { label: "Nothing to revoke (no access was held)", advice: null };
    default:
      return { label: "Revocation outcome not recorded", advice: null };
  }
}
