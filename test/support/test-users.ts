import { randomUUID } from "node:crypto";

import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

/** Inserts a user with a unique address (tests share one database). */
export async function createTestUser({ email, name = "Ada Lovelace" }: { email?: string; name?: string } = {}) {
  const id = randomUUID();
  const address = email ?? `user-${id.slice(0, 8)}@example.test`;
  const db = await getDb();
  await db.insert(users).values({ id, email: address, name });
  return { id, email: address, name };
}
