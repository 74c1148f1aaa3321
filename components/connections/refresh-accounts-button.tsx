"use client";

import { useActionState } from "react";

import { refreshAccounts } from "@/app/(app)/connections/actions";
import { FormMessage } from "@/components/ui/form-message";
import { idleState } from "@/lib/actions/action-state";

import { ConnectionButtonForm } from "./connection-button-form";

/** "Refresh accounts": reads the connection's accounts again, through the server action. */
export function RefreshAccountsButton({ connectionId, label }: { connectionId: string; label: string }) {
  const [state, action] = useActionState(refreshAccounts, idleState);
  return (
    <div className="space-y-2">
      <ConnectionButtonForm action={action} connectionId={connectionId} label={label} variant="secondary" pendingLabel="Reading accounts…">
        Refresh accounts
      </ConnectionButtonForm>
      <FormMessage state={state} />
    </div>
  );
}
