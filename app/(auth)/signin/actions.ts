"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";

import { validatedAction } from "@/lib/actions/validated-action";
import { signIn } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/guards";
import { normalizeSignInEmail } from "@/lib/auth/normalize-sign-in-email";

const schema = z.object({
  email: z.string().transform((value, ctx) => {
    try {
      return normalizeSignInEmail(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter one valid email address, like ada@example.com." });
      return z.NEVER;
    }
  }),
  callbackUrl: z.string().optional(),
});

/**
 * Sends a magic link, then shows where to look for it. The address check and the rate limit
 * run inside Auth.js (lib/auth/auth.ts), where its own endpoint meets them too; the form
 * checks the address first only to say what is wrong with it.
 */
export const requestSignInLink = validatedAction(schema, async ({ email, callbackUrl }) => {
  // Auth.js would redirect to its own /api/auth/verify-request hop; go to our page directly.
  let next: unknown;
  try {
    next = await signIn("nodemailer", { email, redirectTo: safeReturnPath(callbackUrl), redirect: false });
  } catch (error) {
    // The signIn callback refused the address (a deleted account): no link, and no more said.
    if (error instanceof AuthError && error.type === "AccessDenied") {
      return { status: "error", message: "We could not send a sign-in link to that address." };
    }
    throw error;
  }
  const error = typeof next === "string" ? new URL(next, "http://localhost").searchParams.get("error") : null;
  if (error === "TooManyRequests") {
    return { status: "error", message: "Several sign-in links were sent recently. Please use the latest one or try again in 15 minutes." };
  }
  if (error) return { status: "error", message: "We could not send the sign-in email. Please try again in a moment." };
  redirect("/signin/check-email");
});
