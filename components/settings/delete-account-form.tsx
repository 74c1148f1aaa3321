"use client";

import { useActionState } from "react";

import { deleteMyAccount } from "@/app/(app)/settings/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

export function DeleteAccountForm() {
  const [state, action] = useActionState(deleteMyAccount, idleState);
  const fieldError = state.status === "error" ? state.fieldErrors?.confirmEmail?.[0] : undefined;
  return (
    <form action={action} className="mt-3 space-y-2">
      <div className="flex flex-col gap-1">
        <label htmlFor="confirmEmail" className="text-sm font-medium">
          Type your email address to confirm
        </label>
        <input
          id="confirmEmail"
          name="confirmEmail"
          type="email"
          autoComplete="off"
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? "confirmEmail-error" : undefined}
          className="w-full rounded-md border border-zinc-300 px-3 py-2 text-sm sm:w-80"
        />
        {fieldError ? (
          <p id="confirmEmail-error" className="text-sm text-red-800">
            {fieldError}
          </p>
        ) : null}
      </div>
      <SubmitButton variant="danger" pendingLabel="Deleting…">
        Delete my account
      </SubmitButton>
      <div aria-live="polite">{fieldError ? null : <FormMessage state={state} />}</div>
    </form>
  );
}
