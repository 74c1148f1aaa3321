import "server-only";

import { notFound, redirect } from "next/navigation";
import type { Session } from "next-auth";

import { auth } from "./auth";

export type SignedInUser = Session["user"];

/** The signed-in user, or a redirect to /signin that comes back to `returnTo` afterwards. */
export async function requireUser(returnTo: string): Promise<SignedInUser> {
  const session = await auth();
  if (!session?.user?.id) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session.user;
}

/**
 * Admins only; everyone else, signed in or not, gets the same 404, so admin routes are not
 * even revealed (a redirect to /signin would say "something is here"). An admin who is
 * signed out signs in first and opens the page again.
 */
export async function requireAdmin(): Promise<SignedInUser> {
  const session = await auth();
  if (!session?.user?.id || !session.user.isAdmin) notFound();
  return session.user;
}

export { safeReturnPath } from "./safe-return-path";
