import { accountReadFailureText } from "@/lib/accounts/read-failure";
import type { AccountRead, ProviderAccount } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format";

import { RefreshAccountsButton } from "./refresh-accounts-button";
import { RefreshWhileReading } from "./refresh-while-reading";

/** How long after a connect a missing read counts as "still running" (the sweep's catch-up comes later). */
const FIRST_READ_GRACE_MS = 60_000;

const TYPE_LABELS: Record<string, string> = {
  checking: "Checking",
  savings: "Savings",
  credit_card: "Credit card",
  brokerage: "Brokerage",
  other: "Account",
};

/**
 * A connection's accounts on its card: the list, or a loading, empty or error state. Shows
 * what was stored at the last good read; a failed read after it says so above the list.
 */
export function ConnectionAccounts({
  connectionId,
  label,
  active,
  readsAccounts,
  providerName,
  accounts,
  latestRead,
  connectedAt,
  timeZone,
}: {
  connectionId: string;
  label: string;
  active: boolean;
  readsAccounts: boolean;
  providerName: string;
  accounts: ProviderAccount[];
  latestRead: AccountRead | undefined;
  connectedAt: Date | null;
  /** The reader's zone (lib/time-zone.ts); UTC when absent. */
  timeZone?: string;
}) {
  if (!readsAccounts) {
    return <p className="mt-3 text-sm text-zinc-600">{providerName} has no accounts to show in Ledgerlink.</p>;
  }
  // Nothing read yet on a just-connected connection: the background read after connect is running.
  const justConnected = connectedWithin(connectedAt, FIRST_READ_GRACE_MS);
  const reading = active && (latestRead?.outcome === "running" || (!latestRead && justConnected));
  return (
    <section aria-label={`Accounts of ${label}`} className="mt-4 border-t border-zinc-100 pt-3">
      <h4 className="text-sm font-medium">Accounts</h4>
      {reading ? (
        <p aria-live="polite" className="mt-1 text-sm text-zinc-600">
          Reading your accounts…
          <RefreshWhileReading />
        </p>
      ) : null}
      {latestRead?.outcome === "failed" ? (
        <p role="alert" className="mt-1 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Could not read accounts{latestRead.finishedAt ? ` (${formatDateTime(latestRead.finishedAt, { timeZone })})` : ""}. {accountReadFailureText(latestRead.reason)}
          {accounts.length > 0 ? " The list below is from the last good read." : ""}
        </p>
      ) : null}
      {active && !latestRead && !justConnected ? (
        <p className="mt-1 text-sm text-zinc-600">Accounts have not been read yet. Press Refresh accounts to read them.</p>
      ) : null}
      {latestRead?.outcome === "succeeded" && accounts.length === 0 ? (
        <p className="mt-1 text-sm text-zinc-600">{providerName} reported no accounts for this connection.</p>
      ) : null}
      {accounts.length > 0 ? (
        <ul className="mt-2 divide-y divide-zinc-100 text-sm">
          {accounts.map((account) => (
            <li key={account.id} aria-label={account.name} className="flex flex-wrap items-baseline justify-between gap-2 py-1.5">
              <span>
                <span className="font-medium">{account.name}</span>{" "}
                <span className="text-zinc-600">
                  {TYPE_LABELS[account.type] ?? "Account"}
                  {account.maskedNumber ? ` ${account.maskedNumber}` : ""}
                </span>
              </span>
              <span className="text-right">
                <span className="font-medium tabular-nums">{money(account.currentBalance, account.currency)}</span>
                {account.availableBalance !== null ? (
                  <span className="text-zinc-600"> · {money(account.availableBalance, account.currency)} available</span>
                ) : null}
                <span className="block text-xs text-zinc-500">as of {formatDateTime(account.balanceAsOf ?? account.readAt, { timeZone })}</span>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {active ? (
        <div className="mt-2">
          <RefreshAccountsButton connectionId={connectionId} label={label} />
        </div>
      ) : null}
    </section>
  );
}

/** A server component renders once per request, so reading the clock here is safe. */
function connectedWithin(connectedAt: Date | null, ms: number): boolean {
  return !!connectedAt && Date.now() - connectedAt.getTime() < ms;
}

function money(value: string | null, currency: string): string {
  if (value === null) return "—";
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(Number(value));
  } catch {
    return `${value} ${currency}`;
  }
}
