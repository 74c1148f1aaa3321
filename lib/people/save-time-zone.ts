import "server-only";

import { eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { users } from "../db/schema";
import { resolveTimeZone, type ResolvedTimeZone } from "../time-zone";

/**
 * Stores the person's zone. An unknown name stores nothing (the stored zone, or UTC when there
 * is none, stays in use) and is reported back, so the caller can say so and ask for a choice.
 */
export async function saveTimeZone({ userId, zone }: { userId: string; zone: string }): Promise<ResolvedTimeZone> {
  const resolved = resolveTimeZone(zone.trim());
  if (resolved.unknown) return resolved;
  const db = await getDb();
  await db.update(users).set({ timeZone: resolved.zone }).where(eq(users.id, userId));
  return resolved;
}
