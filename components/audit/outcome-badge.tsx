import { OUTCOME_LABELS } from "./audit-format";

const styles: Record<string, string> = {
  succeeded: "bg-green-50 text-green-800 ring-green-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  attempted: "bg-amber-50 text-amber-800 ring-amber-200",
  sent: "bg-green-50 text-green-800 ring-green-200",
  pending: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  retrying: "bg-amber-50 text-amber-800 ring-amber-200",
};

const EMAIL_LABELS: Record<string, string> = { sent: "Sent", pending: "Sending", retrying: "Retrying", failed: "Failed" };

/** A run's outcome, or with `email` an email's delivery state (sent, retrying, failed). */
export function OutcomeBadge({ outcome, email = false }: { outcome: string; email?: boolean }) {
  const label = (email ? EMAIL_LABELS[outcome] : OUTCOME_LABELS[outcome]) ?? outcome;
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[outcome] ?? styles.pending}`}>
      {label}
    </span>
  );
}
