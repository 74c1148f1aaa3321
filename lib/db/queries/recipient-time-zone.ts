import { eq } from "drizzle-orm";

import { getDb, type Executor } from "../client";
import { users } from "../schema";
import { resolveTimeZone } from "../../time-zone";

/**
 * The zone an email to this person is written in: the one they stored, else UTC (an unknown
 * or missing user, or a stored name the runtime does not know, is UTC too). By id, or by
 * address (as stored: normalised at sign-in) for the sign-in email, which only knows the address.
 */
export async function recipientTimeZone(who: { userId: string } | { email: string }, db?: Executor): Promise<string> {
  const executor = db ?? (await getDb());
  const [row] = await executor
    .select({ timeZone: users.timeZone })
    .from(users)
    .where("userId" in who ? eq(users.id, who.userId) : eq(users.email, who.email))
    .limit(1);
  return resolveTimeZone(row?.timeZone).zone;
}
