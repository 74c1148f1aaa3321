import type { ReactNode } from "react";

import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";
import type { TimelineZone } from "@/lib/audit/queries/timeline-zone";
import { describeDevice } from "@/lib/email/describe-device";

import { formatAuditTime, formatDuration, reasonLabel, shortId, WORKFLOW_LABELS } from "./audit-format";
import { AuditRunRows, type RunRowView } from "./audit-run-rows";

/**
 * The timeline: one entry per workflow run, newest first. Each is a native disclosure
 * (`<details>`) whose body, the run's events, metadata and emails, the page chooses
 * (`details`): in the page itself (AuditRunDetails), or asked for when the run is opened.
 * Times are in the timeline's zone.
 *
 * Every text of a row is worked out here, on the server; AuditRunRows only lays the rows out.
 * As a client component it travels to the browser as these few strings per run, where fifty
 * runs rendered as a server tree would also send that whole tree again in the page's RSC
 * payload (about three times the bytes, and the server's time to build and encode it).
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
  return <AuditRunRows rows={runs.map((run) => runRowView(run, repeats?.get(run.key) ?? 0, zone.zone))} details={runs.map(details)} />;
}

/** One run's row as it is shown: labels, times in `timeZone`, and who, where and from what device. */
function runRowView(run: AuditRun, repeats: number, timeZone: string): RunRowView {
  const at = run.endedAt ?? run.startedAt;
  const when = formatAuditTime(at, timeZone);
  const workflow = WORKFLOW_LABELS[run.workflow] ?? run.workflow;
  return {
    key: run.key,
    correlationId: run.correlationId,
    label: `${workflow} ${run.providerName}, ${run.outcome === "attempted" ? "no outcome yet" : run.outcome}, ${when}`,
    when,
    whenIso: at.toISOString(),
    workflow,
    outcome: run.outcome,
    providerName: run.providerName,
    duration: formatDuration(run.durationMs),
    user: run.userEmail ?? run.userId ?? "—",
    actor: run.actorType === "system" ? "System (scheduled)" : (run.actorEmail ?? "unknown user"),
    connection: run.connectionId ? shortId(run.connectionId) : null,
    reason: run.reason ? `${reasonLabel(run.reason)}${run.needsUserAction ? " (needs the user)" : ""}` : null,
    ip: run.ipAddress ?? "—",
    device: describeDevice(run.userAgent) ?? "—",
    userAgent: run.userAgent,
    repeats,
  };
}
