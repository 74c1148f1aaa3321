import { and, desc, eq, getTableColumns, ne } from "drizzle-orm";

import { getDb, type Executor } from "../client";
import { providerConnections, type ProviderConnection } from "../schema";

/** What the dashboard shows: never the sealed tokens. */
export type ConnectionSummary = Omit<ProviderConnection, "accessTokenEnc" | "refreshTokenEnc">;

export async function listConnectionsForUser({ userId }: { userId: string }): Promise<ConnectionSummary[]> {
  const db = await getDb();
  const { accessTokenEnc: _a, refreshTokenEnc: _r, ...columns } = getTableColumns(providerConnections);
  return db
    .select(columns)
    .from(providerConnections)
    .where(and(eq(providerConnections.userId, userId), ne(providerConnections.status, "disconnected")))
    .orderBy(desc(providerConnections.createdAt));
}

/** A connection only if `userId` owns it: the ownership check lives in the query itself. */
export async function findOwnedConnection({
  db,
  userId,
  connectionId,
  forUpdate = false,
}: {
  db: Executor;
  userId: string;
  connectionId: string;
  forUpdate?: boolean;
}): Promise<ProviderConnection | null> {
  const query = db
    .select()
    .from(providerConnections)
    .where(and(eq(providerConnections.id, connectionId), eq(providerConnections.userId, userId)))
    .limit(1);
  const [row] = forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

/** Live aliases a user already holds at a provider (a disconnected row frees its alias). */
export async function aliasesInUse({ db, userId, providerSlug }: { db: Executor; userId: string; providerSlug: string }) {
  const rows = await db
    .select({ id: providerConnections.id, alias: providerConnections.alias, status: providerConnections.status })
    .from(providerConnections)
    .where(
      and(
        eq(providerConnections.userId, userId),
        eq(providerConnections.providerSlug, providerSlug),
        ne(providerConnections.status, "disconnected"),
      ),
    );
  return rows;
}
