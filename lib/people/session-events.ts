import "server-only";

import { desc, eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { sessionEvents, type SessionEvent } from "../db/schema";
import { uuidv7 } from "../db/uuid-v7";

export type SessionEventKind = "signed_in" | "signed_out" | "signed_out_elsewhere" | "device_signed_out";

export const SESSION_EVENT_TEXT: Record<SessionEventKind, string> = {
  signed_in: "You signed in",
  signed_out: "You signed out",
  signed_out_elsewhere: "You signed out of every other device",
  device_signed_out: "You signed a device out",
};

export async function recordSessionEvent({
  userId,
  kind,
  ipAddress,
  userAgent,
}: {
  userId: string;
  kind: SessionEventKind;
  ipAddress: string | null;
  userAgent: string | null;
}): Promise<void> {
  const db = await getDb();
  await db.insert(sessionEvents).values({ id: uuidv7(), userId, kind, ipAddress, userAgent });
}

export async function listSessionEvents({ userId, limit = 20 }: { userId: string; limit?: number }): Promise<SessionEvent[]> {
  const db = await getDb();
  return db.select().from(sessionEvents).where(eq(sessionEvents.userId, userId)).orderBy(desc(sessionEvents.occurredAt)).limit(limit);
}
