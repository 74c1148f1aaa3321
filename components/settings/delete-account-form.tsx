"use client";

import { useActionState } from "react";

import { deleteMyAccount } from "@/app/(app)/settings/actions";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

export function DeleteAccountForm() {
  const [state, action] = useActionState(deleteMyAccount, idleState);
  const fieldError = state.status === "error" ? state.fieldErrors?.confirmEmail?.[0] : undefined;
  return (
    <form action={action} className="mt-3 space-y-2">
      <TextField
        id="confirmEmail"
        label="Type your email address to confirm"
        type="email"
        autoComplete="off"
        error={fieldError}
        className="text-sm sm:w-80"
      />
      <SubmitButton variant="danger" pendingLabel="Deleting…">
        Delete my account
      </SubmitButton>
      <div aria-live="polite">{fieldError ? null : <FormMessage state={state} />}</div>
    </form>
  );
}
