"use client";

import { useActionState, useState } from "react";

import { disconnectProvider, reconnectConnection, refreshConnectionNow } from "@/app/(app)/connections/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

import { ConnectionButtonForm } from "./connection-button-form";

/** Reconnect (when the connection needs the user) and Disconnect, with a confirmation step. */
export function ConnectionActions({
  connectionId,
  providerSlug,
  label,
  canReconnect,
  canRefresh,
}: {
  connectionId: string;
  providerSlug: string;
  /** The connection's name, to give the buttons unambiguous accessible names. */
  label: string;
  canReconnect: boolean;
  canRefresh: boolean;
}) {
  const [disconnectState, disconnect] = useActionState(disconnectProvider, idleState);
  const [reconnectState, reconnect] = useActionState(reconnectConnection, idleState);
  const [refreshState, refresh] = useActionState(refreshConnectionNow, idleState);
  const [confirming, setConfirming] = useState(false);

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {canReconnect ? (
          <ConnectionButtonForm
            action={reconnect}
            connectionId={connectionId}
            extraFields={{ provider: providerSlug }}
            label={label}
            pendingLabel="Opening…"
          >
            Reconnect
          </ConnectionButtonForm>
        ) : null}
        {canRefresh ? (
          <ConnectionButtonForm action={refresh} connectionId={connectionId} label={label} variant="secondary" pendingLabel="Refreshing…">
            Refresh now
          </ConnectionButtonForm>
        ) : null}
        {confirming ? (
          <form action={disconnect} className="flex flex-wrap items-center gap-2" aria-label={`Confirm disconnecting ${label}`}>
            <input type="hidden" name="connectionId" value={connectionId} />
            <span className="text-sm text-zinc-700">Disconnect {label}? Ledgerlink will ask the bank to revoke access.</span>
            <SubmitButton variant="danger" pendingLabel="Disconnecting…" className="py-1.5">
              Yes, disconnect
            </SubmitButton>
            <button
              type="button"
              onClick={() => setConfirming(false)}
              className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100"
            >
              Cancel
            </button>
          </form>
        ) : (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            className="rounded-md border border-zinc-300 bg-white px-4 py-1.5 text-sm font-medium hover:bg-zinc-100"
          >
            Disconnect<span className="sr-only"> {label}</span>
          </button>
        )}
      </div>
      <FormMessage state={disconnectState} />
      <FormMessage state={reconnectState} />
      <FormMessage state={refreshState} />
    </div>
  );
}
