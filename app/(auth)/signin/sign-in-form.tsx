"use client";

import { useActionState } from "react";

import { idleState } from "@/lib/actions/action-state";
import { SubmitButton } from "@/components/ui/submit-button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/field";

import { requestSignInLink } from "./actions";

export function SignInForm({ callbackUrl, defaultEmail }: { callbackUrl: string; defaultEmail?: string }) {
  const [state, formAction] = useActionState(requestSignInLink, idleState);
  const emailError = state.status === "error" ? state.fieldErrors?.email?.[0] : undefined;

  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        id="email"
        label="Email address"
        type="email"
        autoComplete="email"
        required
        defaultValue={defaultEmail}
        error={emailError}
        className="text-base aria-[invalid]:border-red-600"
      />
      {state.status === "error" && !emailError ? <FormMessage state={state} /> : null}
      <SubmitButton pendingLabel="Sending link…">Email me a sign-in link</SubmitButton>
    </form>
  );
}
