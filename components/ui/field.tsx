import type { InputHTMLAttributes, ReactNode } from "react";

/** A label above its control, and the field's error (if any) below it as `${id}-error`. */
export function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A labelled text input named `id`, marked invalid and described by its error while it has
 * one. `className` adds to the input's own (size, text).
 */
export function TextField({
  id,
  label,
  error,
  className = "",
  ...input
}: { id: string; label: string; error?: string; className?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name">) {
  return (
    <Field id={id} label={label} error={error}>
      <input
        id={id}
        name={id}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`w-full rounded-md border border-zinc-300 px-3 py-2 ${className}`}
      />
    </Field>
  );
}
