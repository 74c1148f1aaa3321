import type { Metadata } from "next";

import { SignInForm } from "../sign-in-form";

export const metadata: Metadata = { title: "Sign-in problem" };

const messages: Record<string, { title: string; body: string }> = {
  Verification: {
    title: "That link has expired or was already used",
    body: "Sign-in links work once and only for 15 minutes. Ask for a new one below.",
  },
  AccessDenied: { title: "Access denied", body: "This account cannot sign in." },
  TooManyRequests: {
    title: "Several sign-in links were sent recently",
    body: "Please use the latest link in your inbox, or ask for a new one in 15 minutes.",
  },
};

export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const message = messages[error ?? ""] ?? {
    title: "We could not sign you in",
    body: "Something went wrong while signing you in. Please ask for a new link.",
  };
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">{message.title}</h1>
      <p role="alert" className="mb-6 text-sm text-zinc-700">
        {message.body}
      </p>
      <SignInForm callbackUrl="/connections" />
    </>
  );
}
