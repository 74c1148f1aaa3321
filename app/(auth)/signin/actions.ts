"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { validatedAction } from "@/lib/actions/validated-action";
import { allowSignInEmail } from "@/lib/auth/sign-in-rate-limit";
import { signIn } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/guards";

const schema = z.object({
  email: z.string().trim().pipe(z.email("Enter a valid email address, like ada@example.com.")),
  callbackUrl: z.string().optional(),
});

/** Sends a magic link, then shows where to look for it. */
export const requestSignInLink = validatedAction(schema, async ({ email, callbackUrl }) => {
  if (!(await allowSignInEmail(email))) {
    return { status: "error", message: "Several sign-in links were sent recently. Please use the latest one or try again in 15 minutes." };
  }
  // Auth.js would redirect to its own /api/auth/verify-request hop; go to our page directly.
  const next = await signIn("nodemailer", { email, redirectTo: safeReturnPath(callbackUrl), redirect: false });
  if (typeof next === "string" && new URL(next, "http://localhost").searchParams.has("error")) {
    return { status: "error", message: "We could not send the sign-in email. Please try again in a moment." };
  }
  redirect("/signin/check-email");
});
