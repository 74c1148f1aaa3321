import { desc, eq } from "drizzle-orm";

import { getDb } from "../client";
import { devMailbox } from "../schema";

export async function listDevMail({ limit = 100 }: { limit?: number } = {}) {
  const db = await getDb();
  return db
    .select({
      id: devMailbox.id,
      toAddress: devMailbox.toAddress,
      subject: devMailbox.subject,
      createdAt: devMailbox.createdAt,
    })
    .from(devMailbox)
    .orderBy(desc(devMailbox.createdAt))
    .limit(limit);
}

export async function getDevMail({ id }: { id: string }) {
  const db = await getDb();
  const [mail] = await db.select().from(devMailbox).where(eq(devMailbox.id, id)).limit(1);
  return mail ?? null;
}
