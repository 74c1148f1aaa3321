import type { ReactNode } from "react";

import { COLLAPSE_WINDOW_SECONDS } from "@/lib/audit/collapse-window";
import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";
import type { TimelineZone } from "@/lib/audit/queries/timeline-zone";
import { describeDevice } from "@/lib/email/describe-device";

import { formatAuditTime, formatDuration, reasonLabel, shortId, WORKFLOW_LABELS } from "./audit-format";
import { OutcomeBadge } from "./outcome-badge";

/**
 * The timeline: one entry per workflow run, newest first. Each is a native disclosure
 * (`<details>`) whose body, the run's events, metadata and emails, the page chooses
 * (`details`): in the page itself (AuditRunDetails), or asked for when the run is opened.
 * Times are in the timeline's zone.
 */
export function AuditRunList({
  runs,
  repeats,
  zone,
  details,
}: {
  runs: AuditRun[];
  repeats?: Map<string, number>;
  zone: TimelineZone;
  details: (run: AuditRun) => ReactNode;
}) {
  return (
    <ol className="mt-3 divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white">
      {runs.map((run) => (
        <li key={run.key} data-correlation-id={run.correlationId} aria-label={runLabel(run, zone.zone)}>
          <details className="group">
            <summary className="cursor-pointer list-none px-4 py-3 hover:bg-zinc-50 [&::-webkit-details-marker]:hidden">
              <RunSummary run={run} repeats={repeats?.get(run.key) ?? 0} timeZone={zone.zone} />
            </summary>
            {details(run)}
          </details>
        </li>
      ))}
    </ol>
  );
}

function runLabel(run: AuditRun, timeZone: string): string {
  const when = formatAuditTime(run.endedAt ?? run.startedAt, timeZone);
  return `${WORKFLOW_LABELS[run.workflow] ?? run.workflow} ${run.providerName}, ${run.outcome === "attempted" ? "no outcome yet" : run.outcome}, ${when}`;
}

function RunSummary({ run, repeats, timeZone }: { run: AuditRun; repeats: number; timeZone: string }) {
  const device = describeDevice(run.userAgent);
  const actor = run.actorType === "system" ? "System (scheduled)" : (run.actorEmail ?? "unknown user");
  return (
    <div className="grid gap-1 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span aria-hidden className="text-zinc-400 transition-transform group-open:rotate-90">
          ▸
        </span>
        <time dateTime={(run.endedAt ?? run.startedAt).toISOString()} className="tabular-nums text-zinc-700">
          {formatAuditTime(run.endedAt ?? run.startedAt, timeZone)}
        </time>
        <span className="font-medium">{WORKFLOW_LABELS[run.workflow] ?? run.workflow}</span>
        <OutcomeBadge outcome={run.outcome} />
        <span>{run.providerName}</span>
        <span className="text-zinc-600">
          <span className="sr-only">Duration: </span>
          {formatDuration(run.durationMs)}
        </span>
      </div>
      <dl className="flex flex-wrap gap-x-4 gap-y-0.5 pl-6 text-xs text-zinc-600">
        <Item term="User" value={run.userEmail ?? run.userId ?? "—"} />
        <Item term="By" value={actor} />
        {run.connectionId ? <Item term="Connection" value={shortId(run.connectionId)} mono /> : null}
        {run.reason ? <Item term="Reason" value={`${reasonLabel(run.reason)}${run.needsUserAction ? " (needs the user)" : ""}`} /> : null}
        <Item term="IP" value={run.ipAddress ?? "—"} mono />
        <Item term="Device" value={device ?? "—"} title={run.userAgent ?? undefined} />
      </dl>
      {/* Repeats of this rejection were counted in audit_collapsed, not audited one by one. */}
      {repeats > 0 ? (
        <p className="pl-6 text-xs text-zinc-600" data-collapsed-repeats={repeats}>
          +{repeats} more like this in the same {COLLAPSE_WINDOW_SECONDS / 60} minutes (counted, not recorded one by one)
        </p>
      ) : null}
    </div>
  );
}

function Item({ term, value, mono = false, title }: { term: string; value: string; mono?: boolean; title?: string }) {
  return (
    <div className="flex gap-1">
      <dt>{term}:</dt>
      <dd className={mono ? "font-mono" : undefined} title={title}>
        {value}
      </dd>
    </div>
  );
}
