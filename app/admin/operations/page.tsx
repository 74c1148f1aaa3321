import type { Metadata } from "next";
import { headers } from "next/headers";

import { RetryButton } from "@/components/operations/retry-button";
import { PageShell } from "@/components/page-shell";
import { listFailedAccountReads } from "@/lib/accounts/queries";
import { accountReadFailureText } from "@/lib/accounts/read-failure";
import { requireAdmin } from "@/lib/auth/guards";
import { formatDateTime } from "@/lib/format";
import { listStuckWork, STUCK_PENDING_MS } from "@/lib/operations/list-stuck-work";
import { listSweepRuns } from "@/lib/operations/list-sweep-runs";
import { recordOperationsAccess } from "@/lib/operations/record-operations-access";
import { resolveTimeZone } from "@/lib/people/time-zone";

export const metadata: Metadata = { title: "Operations" };

/** Stuck work for admins (DESIGN.md §7): emails and handler runs that did not finish, connections left pending. */
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
      {anyFailed ? (
        <div className="mt-4">
          <RetryButton fields={{ kind: "all" }} label="Retry all failed" />
        </div>
      ) : null}

      <section aria-labelledby="emails" className="mt-8">
        <h2 id="emails" className="text-lg font-medium">
          Emails retrying or failed
        </h2>
        {work.emails.length === 0 ? (
          <Empty>Every email was sent.</Empty>
        ) : (
          <ul className="mt-3 space-y-3">
            {work.emails.map((e) => (
              <li key={e.id} aria-label={`Email: ${e.subject}`} className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
                <p className="font-medium">{e.subject}</p>
                <p className="text-zinc-600">
                  {e.status} · {e.attempts} attempts · last tried {at(e.updatedAt)}
                  {e.status === "retrying" ? ` · next try ${at(e.nextAttemptAt)}` : ""}
                </p>
                {e.lastError ? <p className="mt-1 break-words text-red-800">{e.lastError}</p> : null}
                <div className="mt-2">
                  <RetryButton fields={{ kind: "email", id: e.id }} label="Retry now" srLabel={e.subject} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="handlers" className="mt-8">
        <h2 id="handlers" className="text-lg font-medium">
          Handler runs retrying or dead
        </h2>
        {work.handlerRuns.length === 0 ? (
          <Empty>Every event handler finished.</Empty>
        ) : (
          <ul className="mt-3 space-y-3">
            {work.handlerRuns.map((r) => (
              <li key={`${r.eventId}:${r.handler}`} className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
                <p className="font-medium">
                  {r.handler} on {r.eventType}
                </p>
                <p className="text-zinc-600">
                  {r.status} · {r.attempts} attempts · last tried {at(r.updatedAt)}
                </p>
                {r.lastError ? <p className="mt-1 break-words text-red-800">{r.lastError}</p> : null}
                <div className="mt-2">
                  <RetryButton fields={{ kind: "handler", id: r.eventId, handler: r.handler }} label="Retry now" srLabel={`${r.handler} on ${r.eventType}`} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="pending" className="mt-8">
        <h2 id="pending" className="text-lg font-medium">
          Connections stuck pending
        </h2>
        <p className="text-sm text-zinc-600">Pending for more than {STUCK_PENDING_MS / 60_000} minutes: the person left the bank&apos;s page or the callback was lost. The sweep closes them.</p>
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
      </section>

      <section aria-labelledby="reads" className="mt-8">
        <h2 id="reads" className="text-lg font-medium">
          Accounts reads that failed
        </h2>
        {failedReads.length === 0 ? (
          <Empty>No accounts read failed.</Empty>
        ) : (
          <ul className="mt-3 space-y-3">
            {failedReads.map((r) => (
              <li key={r.id} aria-label={`Accounts read: ${r.reason ?? "unknown"}`} className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
                <p className="font-medium">
                  {r.providerSlug} · {r.reason ?? "unknown"} · {r.trigger}
                </p>
                <p className="text-zinc-600">{accountReadFailureText(r.reason)}</p>
                <p className="text-zinc-600">
                  {at(r.startedAt)} · connection {r.connectionId} · correlation {r.correlationId}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="sweeps" className="mt-8">
        <h2 id="sweeps" className="text-lg font-medium">
          Last sweep runs
        </h2>
        <p className="text-sm text-zinc-600">The periodic sweep: token refreshes, then first accounts reads caught up. The last 20.</p>
        {sweeps.length === 0 ? (
          <Empty>No sweep has run yet.</Empty>
        ) : (
          <ul className="mt-3 space-y-1 text-sm">
            {sweeps.map((run) => (
              <li key={run.id} aria-label={`Sweep run at ${at(run.startedAt)}`}>
                {at(run.startedAt)} · {run.trigger} · {run.outcome === "ok" ? sweepSummaryText(run.summary) : <span className="text-red-800">failed: {run.error}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </PageShell>
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
