import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { auth } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/guards";

import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const returnTo = safeReturnPath(callbackUrl);
  const session = await auth();
  if (session?.user) redirect(returnTo);

  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Sign in</h1>
      <p className="mb-6 text-sm text-zinc-600">We will email you a link that signs you in. No password needed.</p>
      <SignInForm callbackUrl={returnTo} />
    </>
  );
}
