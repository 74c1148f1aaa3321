import { formatDateTime } from "@/lib/format";
import { revocationText, type PastConnection } from "@/lib/people/list-past-connections";

/** Disconnected connections, collapsed by default: when, and what happened at the bank. */
export function PastConnections({
  connections,
  providerName,
  timeZone,
}: {
  connections: PastConnection[];
  providerName: (slug: string) => string;
  timeZone: string;
}) {
  if (connections.length === 0) return null;
  return (
    <details className="mt-10 rounded-lg border border-zinc-200 bg-white p-4">
      <summary className="cursor-pointer text-lg font-medium">Past connections ({connections.length})</summary>
      <ul className="mt-3 space-y-3">
        {connections.map((c) => {
          const name = providerName(c.providerSlug);
          const label = c.alias === name ? name : `${c.alias} (${name})`;
          const outcome = revocationText(c.revocationOutcome, name);
          return (
            <li key={c.id} aria-label={`Past: ${label}`} className="border-t border-zinc-100 pt-3 first:border-t-0 first:pt-0">
              <p className="font-medium">{label}</p>
              <p className="text-sm text-zinc-600">Disconnected {formatDateTime(c.disconnectedAt, { timeZone })}</p>
              <p className={`text-sm ${c.revocationOutcome === "failed" ? "text-red-800" : "text-zinc-800"}`}>{outcome.label}</p>
              {outcome.advice ? <p className="text-sm text-zinc-600">{outcome.advice}</p> : null}
            </li>
          );
        })}
      </ul>
    </details>
  );
}
