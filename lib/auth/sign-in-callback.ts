import { and, eq, isNotNull, or } from "drizzle-orm";

import { getDb } from "../db/client";
import { users } from "../db/schema";
import { DELETED_EMAIL_DOMAIN } from "../people/deleted-address";
import { allowSignInEmail, SIGN_IN_RATE_LIMITED_PATH } from "./sign-in-rate-limit";


/** True for a deleted account: its placeholder address, or a `users` row with `deleted_at` set. */
export async function isDeletedAccount({ id, email }: { id?: string | null; email?: string | null }): Promise<boolean> {
  if (email?.trim().toLowerCase().endsWith(DELETED_EMAIL_DOMAIN)) return true;
  const byId = id ? eq(users.id, id) : undefined;
  // Addresses are stored as normalizeSignInEmail leaves them (lower case): the unique index answers.
  const byEmail = email ? eq(users.email, email.trim().toLowerCase()) : undefined;
  if (!byId && !byEmail) return false;
  const db = await getDb();
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(or(byId, byEmail), isNotNull(users.deletedAt)))
    .limit(1);
  return !!row;
}

/**
 * Auth.js's signIn callback. It runs before a link is made and mailed, on every path that asks
 * for one (the server action and Auth.js's own endpoint alike), and again when the link is
 * followed. A deleted account never signs in again: no link for it, and no session from an
 * older link. The rate limit on links lives here too.
 */
export async function signInCallback({
  user,
  email,
}: {
  user: { id?: string | null; email?: string | null };
  email?: { verificationRequest?: boolean };
}): Promise<boolean | string> {
  if (await isDeletedAccount(user)) return false;
  if (!email?.verificationRequest) return true;
  return (await allowSignInEmail(user.email ?? "")) ? true : SIGN_IN_RATE_LIMITED_PATH;
}
