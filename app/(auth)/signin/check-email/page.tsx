import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Check your email" };

export default function CheckEmailPage() {
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Check your email</h1>
      <p role="status" className="text-sm text-zinc-700">
        We sent you a sign-in link. It works once and expires in 15 minutes.
      </p>
      <p className="mt-6 text-sm">
        <Link href="/signin" className="underline">
          Use a different email address
        </Link>
      </p>
    </>
  );
}
