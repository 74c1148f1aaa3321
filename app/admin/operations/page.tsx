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
        {work.emails.length === 0 ? (
          <Empty>Every email was sent.</Empty>
        ) : (
          <ul className="mt-3 space-y-3">
            {work.emails.map((e) => (
              <StuckItem
                key={e.id}
                label={`Email: ${e.subject}`}
                title={e.subject}
                status={`${e.status} · ${e.attempts} attempts · last tried ${at(e.updatedAt)}${e.status === "retrying" ? ` · next try ${at(e.nextAttemptAt)}` : ""}`}
                lastError={e.lastError}
              >
                <RetryButton fields={{ kind: "email", id: e.id }} label="Retry now" srLabel={e.subject} />
              </StuckItem>
            ))}
          </ul>
        )}
      </PageSection>

      <PageSection id="handlers" title="Handler runs retrying or dead">
        {work.handlerRuns.length === 0 ? (
          <Empty>Every event handler finished.</Empty>
        ) : (
          <ul className="mt-3 space-y-3">
            {work.handlerRuns.map((r) => (
              <StuckItem
                key={`${r.eventId}:${r.handler}`}
                title={`${r.handler} on ${r.eventType}`}
                status={`${r.status} · ${r.attempts} attempts · last tried ${at(r.updatedAt)}`}
                lastError={r.lastError}
              >
                <RetryButton fields={{ kind: "handler", id: r.eventId, handler: r.handler }} label="Retry now" srLabel={`${r.handler} on ${r.eventType}`} />
              </StuckItem>
            ))}
          </ul>
        )}
      </PageSection>

      <PageSection
        id="pending"
        title="Connections stuck pending"
        intro={`Pending for more than ${STUCK_PENDING_MS / 60_000} minutes: the person left the bank's page or the callback was lost. The sweep closes them.`}
      >
        {work.pending.length === 0 ? (
          <Empty>No connection is stuck.</Empty>
        ) : (
          <ul className="mt-3 space-y-1 text-sm">
            {work.pending.map((c) => (
              <li key={c.id}>
                {c.providerSlug} · connection {c.id} · user {c.userId} · since {at(c.createdAt)}
              </li>
            ))}
          </ul>
        )}
      </PageSection>

      <PageSection id="reads" title="Accounts reads that failed">
        {failedReads.length === 0 ? (
          <Empty>No accounts read failed.</Empty>
        ) : (
          <ul className="mt-3 space-y-3">
            {failedReads.map((r) => (
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
            ))}
          </ul>
        )}
      </PageSection>

      <PageSection id="sweeps" title="Last sweep runs" intro="The periodic sweep: token refreshes, then first accounts reads caught up. The last 20.">
        {sweeps.length === 0 ? (
          <Empty>No sweep has run yet.</Empty>
        ) : (
          <ul className="mt-3 space-y-1 text-sm">
            {sweeps.map((run) => (
              <li key={run.id} aria-label={`Sweep run at ${at(run.startedAt)}`}>
                <time dateTime={run.startedAt.toISOString()}>{at(run.startedAt)}</time> · {run.trigger} ·{" "}
                {run.outcome === "ok" ? sweepSummaryText(run.summary) : <span className="text-red-800">failed: {run.error}</span>}
              </li>
            ))}
          </ul>
        )}
      </PageSection>
    </PageShell>
  );
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

function Empty({ children }: { children: string }) {
  return <p className="mt-2 rounded-md border border-dashed border-zinc-300 bg-white p-4 text-sm text-zinc-600">{children}</p>;
}
