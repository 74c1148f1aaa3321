import type { ConnectionStatus } from "@/lib/connections/state-machine";

const styles: Record<ConnectionStatus, { label: string; className: string }> = {
  pending: { label: "Waiting for the bank", className: "bg-amber-50 text-amber-800 ring-amber-200" },
  active: { label: "Active", className: "bg-green-50 text-green-800 ring-green-200" },
  expired: { label: "Expired", className: "bg-red-50 text-red-800 ring-red-200" },
  revoked: { label: "Revoked", className: "bg-red-50 text-red-800 ring-red-200" },
  failed: { label: "Failed", className: "bg-red-50 text-red-800 ring-red-200" },
  disconnected: { label: "Disconnected", className: "bg-zinc-100 text-zinc-700 ring-zinc-200" },
};

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  const style = styles[status];
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}>
      {style.label}
    </span>
  );
}
