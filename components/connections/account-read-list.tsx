import { accountReadFailureText } from "@/lib/accounts/read-failure";
import type { AccountRead } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format";
import { providerName } from "@/lib/providers/find-provider";

/** The person's recent accounts reads on /activity: when, which connection, and whether it worked. */
export function AccountReadList({ reads, timeZone }: { reads: AccountRead[]; /** The reader's zone (lib/time-zone.ts); UTC when absent. */ timeZone?: string }) {
  return (
    <ul className="mt-3 divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm">
      {reads.map((read) => (
        <li key={read.id} className="flex flex-wrap justify-between gap-2 px-4 py-2">
          <span>
            {read.outcome === "succeeded"
              ? `Accounts read from ${providerName(read.providerSlug)}: ${read.accountCount ?? 0} ${read.accountCount === 1 ? "account" : "accounts"}`
              : read.outcome === "failed"
                ? `Could not read accounts from ${providerName(read.providerSlug)}. ${accountReadFailureText(read.reason)}`
                : `Reading accounts from ${providerName(read.providerSlug)}…`}
            <span className="text-zinc-500"> ({read.trigger === "connect" ? "after connecting" : "you asked"})</span>
          </span>
          <time dateTime={read.startedAt.toISOString()} className="text-zinc-600">
            {formatDateTime(read.startedAt, { timeZone })}
          </time>
        </li>
      ))}
    </ul>
  );
}
