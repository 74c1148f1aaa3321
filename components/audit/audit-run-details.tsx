import Link from "next/link";

import { hrefWith } from "@/lib/audit/queries/audit-filters";
import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";
import type { TimelineZoneChoice } from "@/lib/audit/queries/timeline-zone";
import { isoInZone } from "@/lib/zoned-days";

import { actionLabel, formatAuditTime, formatDuration } from "./audit-format";
import { OutcomeBadge } from "./outcome-badge";

/** An opened run: its ids, each event with its metadata, and the emails it caused; times in the timeline's zone. */
export function AuditRunDetails({ run, timeZone, tz }: { run: AuditRun; timeZone: string; tz?: TimelineZoneChoice }) {
  const at = (value: Date) => formatAuditTime(value, timeZone);
  return (
    <div className="space-y-4 border-t border-zinc-100 bg-zinc-50 px-4 py-4 text-sm">
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-2">
        <Pair term="Correlation id" value={run.correlationId} mono />
        <Pair term="Connection id" value={run.connectionId ?? "—"} mono />
        <Pair term="Started" value={at(run.startedAt)} />
        <Pair term="Ended" value={run.endedAt ? `${at(run.endedAt)} (after ${formatDuration(run.durationMs)})` : "No outcome yet"} />
        {run.reasonText ? <Pair term="Reason" value={`${run.reason}: ${run.reasonText}`} /> : null}
      </dl>
      <RunLinks run={run} tz={tz} />

      <section>
        <h3 className="font-medium">Events</h3>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full min-w-[40rem] border-collapse text-left text-xs">
            <thead>
              <tr className="border-b border-zinc-200 text-zinc-600">
                <th scope="col" className="py-1 pr-3 font-medium">Time</th>
                <th scope="col" className="py-1 pr-3 font-medium">Event</th>
                <th scope="col" className="py-1 pr-3 font-medium">Actor</th>
                <th scope="col" className="py-1 pr-3 font-medium">IP</th>
                <th scope="col" className="py-1 pr-3 font-medium">User agent</th>
                <th scope="col" className="py-1 font-medium">Metadata</th>
              </tr>
            </thead>
            <tbody>
              {run.events.map((event) => (
                <tr key={event.eventId} className="border-b border-zinc-100 align-top">
                  <td className="py-1.5 pr-3 tabular-nums">
                    <time dateTime={event.occurredAt.toISOString()}>{isoInZone(event.occurredAt, timeZone)}</time>
                    <div className="text-zinc-500">#{event.seq}</div>
                  </td>
                  <td className="py-1.5 pr-3">
                    <div className="flex flex-wrap items-center gap-2">
                      <span>{actionLabel(event.action)}</span>
                      <OutcomeBadge outcome={event.outcome} />
                    </div>
                    <div className="font-mono text-zinc-500">{event.action}</div>
                    <RevocationLine metadata={event.metadata} providerName={run.providerName} />
                    <div className="font-mono text-zinc-500" title="Event id">
                      {event.eventId}
                    </div>
                  </td>
                  <td className="py-1.5 pr-3">{event.actorType === "system" ? "system" : (event.actorEmail ?? event.actorUserId ?? "—")}</td>
                  <td className="py-1.5 pr-3 font-mono">{event.ipAddress ?? "—"}</td>
                  <td className="max-w-[14rem] break-words py-1.5 pr-3">{event.userAgent ?? "—"}</td>
                  <td className="py-1.5">
                    {event.metadata ? (
                      <pre className="whitespace-pre-wrap break-words font-mono">{JSON.stringify(event.metadata, null, 1)}</pre>
                    ) : (
                      <p role="alert" className="text-red-800">
                        Stored metadata does not match the schema of {event.action}; it is not shown.
                      </p>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section>
        <h3 className="font-medium">Emails</h3>
        {run.emails.length === 0 ? (
          <p className="mt-1 text-zinc-600">This run sent no email.</p>
        ) : (
          <ul className="mt-2 space-y-1">
            {run.emails.map((email) => (
              <li key={`${email.eventId}-${email.template}`} className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span className="font-medium">“{email.subject}”</span>
                <span className="text-zinc-600">to {email.toAddress}</span>
                <OutcomeBadge outcome={email.status} email />
                <span className="text-xs text-zinc-600">
                  {email.attempts} {email.attempts === 1 ? "attempt" : "attempts"}
                  {email.sentAt ? `, sent ${at(email.sentAt)}` : ""}
                  {email.status === "retrying" && email.nextAttemptAt ? `, next try ${at(email.nextAttemptAt)}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** The bank's answer to a disconnect's revocation, in words (the same value is in the metadata beside it). */
export function revocationOutcomeText(outcome: unknown, providerName: string): string | null {
  switch (outcome) {
    case "revoked":
      return `Revocation: access revoked at ${providerName}`;
    case "unsupported":
      return `Revocation: ${providerName} offers no revocation; the user was told to remove access in the bank's settings`;
    case "failed":
      return `Revocation failed at ${providerName}; the keys were deleted and the user was told to remove access in the bank's settings`;
    case "no_credentials":
      return "Revocation: nothing to revoke (no access was held)";
    default:
      return null;
  }
}

function RevocationLine({ metadata, providerName }: { metadata: Record<string, unknown> | null; providerName: string }) {
  const text = revocationOutcomeText(metadata?.revocationOutcome, providerName);
  if (!text) return null;
  return (
    <p data-testid="revocation-outcome" className={metadata?.revocationOutcome === "failed" ? "font-medium text-red-800" : "text-zinc-800"}>
      {text}
    </p>
  );
}

function Pair({ term, value, mono = false }: { term: string; value: string; mono?: boolean }) {
  return (
    <div className="flex flex-wrap gap-x-2">
      <dt className="text-zinc-600">{term}:</dt>
      <dd className={mono ? "break-all font-mono" : undefined}>{value}</dd>
    </div>
  );
}

/** The run's own view: the timeline filtered to its correlation id (audit access runs are shown only when asked for). */
export function onlyThisRunHref(run: Pick<AuditRun, "correlationId" | "workflow">, tz?: TimelineZoneChoice): string {
  return hrefWith("/admin/audit", { correlation: run.correlationId, workflow: run.workflow === "admin" ? "admin" : undefined }, { tz });
}

/** "Only this run", "Only this user": quick ways to narrow the view from a run. */
function RunLinks({ run, tz }: { run: AuditRun; tz?: TimelineZoneChoice }) {
  return (
    <p className="flex flex-wrap gap-4 text-sm">
      <Link prefetch={false} className="underline" href={onlyThisRunHref(run, tz)}>
        Only this run
      </Link>
      {run.userEmail ? (
        <Link prefetch={false} className="underline" href={hrefWith("/admin/audit", { user: run.userEmail }, { tz })}>
          Only {run.userEmail}
        </Link>
      ) : null}
    </p>
  );
}
