"use client";

import { useActionState, useId } from "react";

import { connectProvider } from "@/app/(app)/connections/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

export interface ProviderOption {
  slug: string;
  name: string;
  category: string;
}

/** One available provider: an optional name for the connection and a Connect button. */
export function ConnectProviderForm({ provider }: { provider: ProviderOption }) {
  const [state, formAction] = useActionState(connectProvider, idleState);
  const aliasId = useId();
  const aliasError = state.status === "error" ? state.fieldErrors?.alias?.[0] : undefined;

  return (
    <li className="rounded-lg border border-zinc-200 bg-white p-4">
      <form action={formAction} className="space-y-3" aria-label={`Connect ${provider.name}`}>
        <input type="hidden" name="provider" value={provider.slug} />
        <div>
          <p className="font-medium">{provider.name}</p>
          <p className="text-sm capitalize text-zinc-600">{provider.category.replace("_", " ")}</p>
        </div>
        <div className="space-y-1">
          <label htmlFor={aliasId} className="block text-sm text-zinc-700">
            Name for this connection <span className="text-zinc-500">(optional)</span>
          </label>
          <input
            id={aliasId}
            name="alias"
            maxLength={60}
            placeholder={provider.name}
            aria-invalid={aliasError ? true : undefined}
            aria-describedby={aliasError ? `${aliasId}-error` : undefined}
            className="block w-full rounded-md border border-zinc-300 px-3 py-1.5 text-sm"
          />
          {aliasError ? (
            <p id={`${aliasId}-error`} className="text-sm text-red-700">
              {aliasError}
            </p>
          ) : null}
        </div>
        {!aliasError ? <FormMessage state={state} /> : null}
        <SubmitButton pendingLabel={`Opening ${provider.name}…`} className="w-full">
          Connect
        </SubmitButton>
      </form>
    </li>
  );
}
