"use client";

import { useActionState } from "react";

import { retryOperation } from "@/app/admin/operations/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

/** One "Retry now" (or "Retry all failed") form, its result beside it. */
export function RetryButton({ fields, label, srLabel }: { fields: Record<string, string>; label: string; srLabel?: string }) {
  const [state, action] = useActionState(retryOperation, idleState);
  return (
    <form action={action} className="space-y-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant="secondary" pendingLabel="Retrying…" className="py-1.5">
        <span>{label}</span>
        {srLabel ? <span className="sr-only"> {srLabel}</span> : null}
      </SubmitButton>
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
