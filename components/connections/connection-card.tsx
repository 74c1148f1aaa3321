import { isReconnectable } from "@/lib/connections/reconnectable";
import { needsUser } from "@/lib/connections/state-machine";
import type { ConnectionSummary } from "@/lib/connections/queries";
import { reasonText } from "@/lib/failure-reasons";
import type { AccountRead, ProviderAccount } from "@/lib/db/schema";
import { formatDateTime, formatRelative } from "@/lib/format";

import { ConnectionAccounts } from "./connection-accounts";
import { ConnectionActions } from "./connection-actions";
import { RenameConnectionForm } from "./rename-connection-form";
import { StatusBadge } from "./status-badge";

export function ConnectionCard({
  connection,
  providerName,
  readsAccounts = false,
  accounts = [],
  latestRead,
  timeZone,
}: {
  connection: ConnectionSummary;
  providerName: string;
  /** Whether the provider has an accounts endpoint (DESIGN.md §7). */
  readsAccounts?: boolean;
  accounts?: ProviderAccount[];
  latestRead?: AccountRead;
  /** The reader's zone (lib/time-zone.ts); UTC when absent. */
  timeZone?: string;
}) {
  const at = (value: Date | null) => formatDateTime(value, { timeZone });
  const label = connection.alias === providerName ? providerName : `${connection.alias} (${providerName})`;
  const reconnectable = isReconnectable(connection);
  return (
    <li className="rounded-lg border border-zinc-200 bg-white p-4" aria-label={label}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-medium">{connection.alias}</h3>
          {connection.alias === providerName ? null : <p className="text-sm text-zinc-600">{providerName}</p>}
        </div>
        <StatusBadge status={connection.status} />
      </div>
      {needsUser(connection.status) ? (
        <p className="mt-2 text-sm text-red-800">
          {connection.statusReason ? `${reasonText(connection.statusReason)} ` : ""}Reconnect to keep using it.
        </p>
      ) : null}
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        <Detail term="Connected since" value={at(connection.connectedAt)} />
        <Detail term="Last refresh" value={at(connection.lastRefreshedAt)} />
        <Detail
          term="Access token expires"
          value={connection.accessTokenExpiresAt ? `${at(connection.accessTokenExpiresAt)} (${formatRelative(connection.accessTokenExpiresAt)})` : "—"}
        />
        {connection.refreshTokenExpiresAt ? (
          <Detail
            term="Reconnect needed by"
            value={`${at(connection.refreshTokenExpiresAt)} (${formatRelative(connection.refreshTokenExpiresAt)})`}
          />
        ) : null}
      </dl>
      <ConnectionAccounts
        connectionId={connection.id}
        label={label}
        active={connection.status === "active"}
        readsAccounts={readsAccounts}
        providerName={providerName}
        accounts={accounts}
        latestRead={latestRead}
        connectedAt={connection.connectedAt}
        timeZone={timeZone}
      />
      <div className="mt-4 space-y-2">
        <RenameConnectionForm connectionId={connection.id} alias={connection.alias} label={label} />
        <ConnectionActions
          connectionId={connection.id}
          providerSlug={connection.providerSlug}
          label={label}
          canReconnect={reconnectable}
          canRefresh={connection.status === "active"}
        />
      </div>
    </li>
  );
}

function Detail({ term, value }: { term: string; value: string }) {
  return (
    <div className="flex gap-2">
      <dt className="text-zinc-600">{term}:</dt>
      <dd>{value}</dd>
    </div>
  );
}
