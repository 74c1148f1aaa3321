import "server-only";

import { desc, eq, getTableColumns } from "drizzle-orm";

import { getDb } from "../client";
import { devMailbox } from "../schema";

/** The newest messages, without their bodies (the preview reads one with getDevMail). */
export async function listDevMail({ limit = 100 }: { limit?: number } = {}) {
  const db = await getDb();
  const { html: _html, text: _text, ...withoutBodies } = getTableColumns(devMailbox);
  return db.select(withoutBodies).from(devMailbox).orderBy(desc(devMailbox.createdAt)).limit(limit);
}

export async function getDevMail({ id }: { id: string }) {
  const db = await getDb();
  const [mail] = await db.select().from(devMailbox).where(eq(devMailbox.id, id)).limit(1);
  return mail ?? null;
}
