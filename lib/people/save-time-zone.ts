import "server-only";

import { eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { users } from "../db/schema";
import { resolveTimeZone, type ResolvedTimeZone } from "./time-zone";

/** Stores the person's zone; an unknown name is stored as UTC and reported back. */
export async function saveTimeZone({ userId, zone }: { userId: string; zone: string }): Promise<ResolvedTimeZone> {
  const resolved = resolveTimeZone(zone.trim());
  const db = await getDb();
  await db.update(users).set({ timeZone: resolved.zone }).where(eq(users.id, userId));
  return resolved;
}
