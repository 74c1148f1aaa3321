import { sql } from "drizzle-orm";

import { getDb } from "@/lib/db/client";

/** What only a superuser can do: change audit rows with the append-only triggers switched off. */
export async function tamperWithAuditLog(statement: ReturnType<typeof sql>): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_logs disable trigger user`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_logs enable trigger user`);
  });
}
