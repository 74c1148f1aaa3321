"use client";

import { useActionState } from "react";

import { updateTimeZone } from "@/app/(app)/settings/actions";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState } from "@/lib/actions/action-state";

export function TimeZoneForm({ current, zones }: { current: string; zones: string[] }) {
  const [state, action] = useActionState(updateTimeZone, idleState);
  return (
    <form action={action} className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end">
      <Field id="timeZone" label="Time zone">
        <select
          id="timeZone"
          name="timeZone"
          defaultValue={current}
          className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm sm:w-72"
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </Field>
      <SubmitButton pendingLabel="Saving…">Save time zone</SubmitButton>
      <div aria-live="polite" className="sm:ml-2">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
