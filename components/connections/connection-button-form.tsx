"use client";

import type { ReactNode } from "react";

import { SubmitButton } from "@/components/ui/submit-button";

/**
 * A form of one button that acts on one connection. `label` (the connection's name) ends the
 * button's accessible name, so each card's "Refresh now" is told apart by a screen reader.
 */
export function ConnectionButtonForm({
  action,
  connectionId,
  label,
  pendingLabel,
  variant,
  extraFields = {},
  children,
}: {
  action: (formData: FormData) => void;
  connectionId: string;
  label: string;
  pendingLabel: string;
  variant?: "primary" | "secondary";
  /** More hidden fields the action reads, by name. */
  extraFields?: Record<string, string>;
  children: ReactNode;
}) {
  return (
    <form action={action}>
      <input type="hidden" name="connectionId" value={connectionId} />
      {Object.entries(extraFields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant} pendingLabel={pendingLabel} className="py-1.5">
        <span>{children}</span>
        <span className="sr-only"> {label}</span>
      </SubmitButton>
    </form>
  );
}
