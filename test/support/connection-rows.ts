/** What a connection test reads back from the database after a workflow ran. */
import { eq } from "drizzle-orm";

import { getDb } from "@/lib/db/client";
import { auditLogs, providerConnections } from "@/lib/db/schema";

/** The connection's row as stored now; throws if there is none. */
export async function connectionRow(connectionId: string) {
  const db = await getDb();
  const [row] = await db.select().from(providerConnections).where(eq(providerConnections.id, connectionId));
  if (!row) throw new Error(`no provider_connections row ${connectionId}`);
  return row;
}

/** The connection's refresh audit rows, oldest first, each as [outcome, reason, needsUserAction]. */
export async function refreshAuditTrail(connectionId: string) {
  const db = await getDb();
  const rows = await db.select().from(auditLogs).where(eq(auditLogs.connectionId, connectionId)).orderBy(auditLogs.seq);
  return rows.filter((r) => r.workflow === "refresh").map((r) => [r.outcome, r.reason, r.needsUserAction]);
}
