"use client";

import { useActionState } from "react";

import { idleState } from "@/lib/actions/action-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { FormMessage } from "@/components/ui/form-message";

import { requestSignInLink } from "./actions";

export function SignInForm({ callbackUrl, defaultEmail }: { callbackUrl: string; defaultEmail?: string }) {
  const [state, formAction] = useActionState(requestSignInLink, idleState);
  const emailError = state.status === "error" ? state.fieldErrors?.email?.[0] : undefined;

  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <div className="space-y-1">
        <label htmlFor="email" className="block text-sm font-medium">
          Email address
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={defaultEmail}
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? "email-error" : undefined}
          className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-base aria-[invalid]:border-red-600"
        />
        {emailError ? (
          <p id="email-error" className="text-sm text-red-700">
            {emailError}
          </p>
        ) : null}
      </div>
      {state.status === "error" && !emailError ? <FormMessage state={state} /> : null}
      <SubmitButton pendingLabel="Sending link…">Email me a sign-in link</SubmitButton>
    </form>
  );
}
