"use client";

import { useActionState, useState } from "react";

import { renameConnectionAlias } from "@/app/(app)/connections/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

/** "Rename" opens a field beside the name; errors (empty, too long, taken) sit under the field. */
export function RenameConnectionForm({ connectionId, alias, label }: { connectionId: string; alias: string; label: string }) {
  const [state, action] = useActionState(renameConnectionAlias, idleState);
  const [open, setOpen] = useState(false);
  const fieldError = state.status === "error" ? state.fieldErrors?.alias?.[0] : undefined;
  const inputId = `alias-${connectionId}`;
  if (!open) {
    return (
      <div className="space-y-2">
        <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100">
          Rename<span className="sr-only"> {label}</span>
        </button>
        {state.status === "success" ? <FormMessage state={state} /> : null}
      </div>
    );
  }
  return (
    <form action={action} className="space-y-1" aria-label={`Rename ${label}`}>
      <input type="hidden" name="connectionId" value={connectionId} />
      <label htmlFor={inputId} className="block text-sm font-medium">
        New name
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={inputId}
          name="alias"
          defaultValue={alias}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `${inputId}-error` : undefined}
          className="w-full rounded-md border border-zinc-300 px-3 py-1.5 text-sm sm:w-64"
        />
        <SubmitButton pendingLabel="Saving…" className="py-1.5">
          Save name
        </SubmitButton>
        <button type="button" onClick={() => setOpen(false)} className="rounded-md px-3 py-1.5 text-sm hover:bg-zinc-100">
          Cancel
        </button>
      </div>
      {fieldError ? (
        <p id={`${inputId}-error`} className="text-sm text-red-800">
          {fieldError}
        </p>
      ) : (
        <div aria-live="polite">
          <FormMessage state={state} />
        </div>
      )}
    </form>
  );
}
