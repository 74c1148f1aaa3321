import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";

import { RetryButton } from "@/components/operations/retry-button";
import { PageShell } from "@/components/page-shell";
import { PageSection } from "@/components/ui/page-section";
import { listFailedAccountReads } from "@/lib/accounts/queries";
import { accountReadFailureText } from "@/lib/accounts/read-failure";
import { requireAdmin } from "@/lib/auth/guards";
import { formatDateTime } from "@/lib/format";
import { listStuckWork, STUCK_PENDING_MS } from "@/lib/operations/list-stuck-work";
import { listSweepRuns } from "@/lib/operations/list-sweep-runs";
import { recordOperationsAccess } from "@/lib/operations/record-operations-access";
import { describeTimeZone, resolveTimeZone } from "@/lib/time-zone";

export const metadata: Metadata = { title: "Operations" };

/** Stuck work for admins (DESIGN.md §7): emails and handler runs that did not finish, connections left pending; times in the admin's zone. */
export default async function OperationsPage() {
  const admin = await requireAdmin();
  await recordOperationsAccess({ access: { action: "operations_viewed" }, adminId: admin.id, headers: await headers() });
  const { zone } = resolveTimeZone(admin.timeZone);
  const at = (value: Date | null) => formatDateTime(value, { timeZone: zone });
  /** Where a retried email or handler run stands. */
  const retryStatus = (work: { status: string; attempts: number; updatedAt: Date }) => `${work.status} · ${work.attempts} attempts · last tried ${at(work.updatedAt)}`;
  const [work, sweeps, failedReads] = await Promise.all([listStuckWork(), listSweepRuns({ limit: 20 }), listFailedAccountReads({ limit: 50 })]);
  const anyFailed = work.emails.length + work.handlerRuns.length > 0;

  return (
    <PageShell user={admin}>
      <h1 className="text-2xl font-semibold">Operations</h1>
      <p className="mt-1 text-sm text-zinc-600">Work that did not finish by itself. Each retry is recorded in the audit log.</p>
      <p data-testid="operations-zone" className="mt-1 text-sm text-zinc-600">
        Times in <strong className="font-medium">{describeTimeZone(zone)}</strong>, your zone (change it in{" "}
        <Link href="/settings" className="underline">
          Settings
        </Link>
        ).
      </p>
      {anyFailed ? (
        <div className="mt-4">
          <RetryButton fields={{ kind: "all" }} label="Retry all failed" />
        </div>
      ) : null}

      <PageSection id="emails" title="Emails retrying or failed">
        <ItemList items={work.emails} empty="Every email was sent.">
          {(e) => (
            <RetryableItem
              key={e.id}
              label={`Email: ${e.subject}`}
              title={e.subject}
              status={e.status === "retrying" ? `${retryStatus(e)} · next try ${at(e.nextAttemptAt)}` : retryStatus(e)}
              lastError={e.lastError}
              retry={{ kind: "email", id: e.id }}
            />
          )}
        </ItemList>
      </PageSection>

      <PageSection id="handlers" title="Handler runs retrying or dead">
        <ItemList items={work.handlerRuns} empty="Every event handler finished.">
          {(r) => (
            <RetryableItem
              key={`${r.eventId}:${r.handler}`}
              title={`${r.handler} on ${r.eventType}`}
              status={retryStatus(r)}
              lastError={r.lastError}
              retry={{ kind: "handler", id: r.eventId, handler: r.handler }}
            />
          )}
        </ItemList>
      </PageSection>

      <PageSection
        id="pending"
        title="Connections stuck pending"
        intro={`Pending for more than ${STUCK_PENDING_MS / 60_000} minutes: the person left the bank's page or the callback was lost. The sweep closes them.`}
      >
        <ItemList items={work.pending} empty="No connection is stuck." variant="lines">
          {(c) => (
            <li key={c.id}>
              {c.providerSlug} · connection {c.id} · user {c.userId} · since {at(c.createdAt)}
            </li>
          )}
        </ItemList>
      </PageSection>

      <PageSection id="reads" title="Accounts reads that failed">
        <ItemList items={failedReads} empty="No accounts read failed.">
          {(r) => (
            <StuckItem
              key={r.id}
              label={`Accounts read: ${r.reason ?? "unknown"}`}
              title={`${r.providerSlug} · ${r.reason ?? "unknown"} · ${r.trigger}`}
              status={accountReadFailureText(r.reason)}
            >
              <p className="text-zinc-600">
                {at(r.startedAt)} · connection {r.connectionId} · correlation {r.correlationId}
              </p>
            </StuckItem>
          )}
        </ItemList>
      </PageSection>

      <PageSection id="sweeps" title="Last sweep runs" intro="The periodic sweep: token refreshes, then first accounts reads caught up. The last 20.">
        <ItemList items={sweeps} empty="No sweep has run yet." variant="lines">
          {(run) => (
            <li key={run.id} aria-label={`Sweep run at ${at(run.startedAt)}`}>
              <time dateTime={run.startedAt.toISOString()}>{at(run.startedAt)}</time> · {run.trigger} ·{" "}
              {run.outcome === "ok" ? sweepSummaryText(run.summary) : <span className="text-red-800">failed: {run.error}</span>}
            </li>
          )}
        </ItemList>
      </PageSection>
    </PageShell>
  );
}

/** A section's items (`cards`: one bordered box each; `lines`: one line each), or a line saying there are none. */
function ItemList<T>({
  items,
  empty,
  variant = "cards",
  children,
}: {
  items: readonly T[];
  empty: string;
  variant?: "cards" | "lines";
  children: (item: T) => ReactNode;
}) {
  if (items.length === 0) {
    return <p className="mt-2 rounded-md border border-dashed border-zinc-300 bg-white p-4 text-sm text-zinc-600">{empty}</p>;
  }
  return <ul className={variant === "cards" ? "mt-3 space-y-3" : "mt-3 space-y-1 text-sm"}>{items.map((item) => children(item))}</ul>;
}

/** One piece of stuck work: what it is, where it stands, its last error, and what to do (`children`). */
function StuckItem({
  label,
  title,
  status,
  lastError = null,
  children,
}: {
  label?: string;
  title: string;
  status: string;
  lastError?: string | null;
  children: ReactNode;
}) {
  return (
    <li aria-label={label} className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
      <p className="font-medium">{title}</p>
      <p className="text-zinc-600">{status}</p>
      {lastError ? <p className="mt-1 break-words text-red-800">{lastError}</p> : null}
      <div className="mt-2">{children}</div>
    </li>
  );
}

/** Stuck work that can be retried: its action is "Retry now", named for screen readers by the item's title. */
function RetryableItem({ retry, ...item }: { label?: string; title: string; status: string; lastError: string | null; retry: Record<string, string> }) {
  return (
    <StuckItem {...item}>
      <RetryButton fields={retry} label="Retry now" srLabel={item.title} />
    </StuckItem>
  );
}

/** One line from a stored RunSweepSummary; tolerant of rows written by an older shape. */
function sweepSummaryText(summary: unknown): string {
  const s = (summary ?? {}) as { refresh?: Record<string, unknown>; accountsCatchUp?: Record<string, unknown>; tookMs?: unknown };
  const n = (value: unknown) => (typeof value === "number" ? value : 0);
  return [
    `${n(s.refresh?.refreshed)} refreshed`,
    `${n(s.refresh?.failed)} failed`,
    `${n(s.refresh?.skipped)} skipped`,
    `${n(s.refresh?.abandonedConnects)} abandoned connects closed`,
    `${n(s.refresh?.reauthWarnings)} reconnect warnings`,
    `${n(s.accountsCatchUp?.read)} accounts reads caught up (${n(s.accountsCatchUp?.failed)} failed)`,
    `took ${n(s.tookMs)} ms`,
  ].join(" · ");
}
