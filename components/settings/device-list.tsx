"use client";

import { useActionState } from "react";

import { signOutEverywhereElse, signOutOneDevice } from "@/app/(app)/settings/actions";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

export interface DeviceRow {
  id: string;
  name: string;
  ipAddress: string | null;
  created: string;
  lastSeen: string;
  current: boolean;
}

export function DeviceList({ devices }: { devices: DeviceRow[] }) {
  const [state, signOutOthers] = useActionState(signOutEverywhereElse, idleState);
  const others = devices.filter((d) => !d.current).length;
  return (
    <div className="mt-3 space-y-3">
      <ul className="space-y-3">
        {devices.map((device) => (
          <DeviceItem key={device.id} device={device} />
        ))}
      </ul>
      {others > 0 ? (
        <form action={signOutOthers}>
          <SubmitButton variant="secondary" pendingLabel="Signing out…">
            Sign out everywhere else
          </SubmitButton>
        </form>
      ) : (
        <p className="text-sm text-zinc-600">You are not signed in anywhere else.</p>
      )}
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </div>
  );
}

function DeviceItem({ device }: { device: DeviceRow }) {
  const [state, signOut] = useActionState(signOutOneDevice, idleState);
  return (
    <li aria-label={device.name} className="rounded-lg border border-zinc-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className="font-medium">
          {device.name}
          {device.current ? <span className="ml-2 rounded bg-zinc-100 px-2 py-0.5 text-xs font-normal">This device</span> : null}
        </p>
        {device.current ? null : (
          <form action={signOut}>
            <input type="hidden" name="deviceId" value={device.id} />
            <SubmitButton variant="secondary" pendingLabel="Signing out…" className="py-1.5">
              <span>Sign out</span>
              <span className="sr-only"> {device.name}</span>
            </SubmitButton>
          </form>
        )}
      </div>
      <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
        <div className="flex gap-2">
          <dt className="text-zinc-600">IP address:</dt>
          <dd>{device.ipAddress ?? "unknown"}</dd>
        </div>
        <div className="flex gap-2">
          <dt className="text-zinc-600">Signed in:</dt>
          <dd>{device.created}</dd>
        </div>
        <div className="flex gap-2">
          <dt className="text-zinc-600">Last seen:</dt>
          <dd>{device.lastSeen}</dd>
        </div>
      </dl>
      <div aria-live="polite" className="mt-2">
        <FormMessage state={state} />
      </div>
    </li>
  );
}
