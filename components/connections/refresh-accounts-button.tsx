"use client";

import { useActionState } from "react";

import { refreshAccounts } from "@/app/(app)/connections/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

/** "Refresh accounts": reads the connection's accounts again, through the server action. */
export function RefreshAccountsButton({ connectionId, label }: { connectionId: string; label: string }) {
  const [state, action] = useActionState(refreshAccounts, idleState);
  return (
    <div className="space-y-2">
      <form action={action}>
        <input type="hidden" name="connectionId" value={connectionId} />
        <SubmitButton variant="secondary" pendingLabel="Reading accounts…" className="py-1.5">
          <span>Refresh accounts</span>
          <span className="sr-only"> {label}</span>
        </SubmitButton>
      </form>
      <FormMessage state={state} />
    </div>
  );
}
