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

/** Admins only; everyone else gets a 404 so admin routes are not even revealed. */
export async function requireAdmin(returnTo: string): Promise<SignedInUser> {
  const user = await requireUser(returnTo);
  if (!user.isAdmin) notFound();
  return user;
}

export { safeReturnPath } from "./safe-return-path";
