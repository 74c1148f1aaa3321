import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";
import { describeDevice } from "@/lib/email/describe-device";

import { formatAuditTime } from "./audit-format";

/** What happened, in words a customer uses: "You connected Acme Bank". */
export function activitySentence(run: AuditRun): string {
  const name = run.providerName;
  const byYou = run.actorType === "user";
  switch (`${run.workflow}:${run.outcome}`) {
    case "connect:succeeded":
      return `You connected ${name}`;
    case "connect:failed":
      return `Connecting ${name} did not work`;
    case "connect:attempted":
      return `You started connecting ${name}`;
    case "disconnect:succeeded":
      return `You disconnected ${name}`;
    case "disconnect:failed":
      return `Disconnecting ${name} did not work`;
    case "disconnect:attempted":
      return `You started disconnecting ${name}`;
    case "refresh:succeeded":
      return byYou ? `You refreshed your access to ${name}` : `Ledgerlink renewed its access to ${name}`;
    case "refresh:failed":
      return byYou ? `Refreshing your access to ${name} did not work` : `Ledgerlink could not renew its access to ${name}`;
    case "refresh:attempted":
      return `Ledgerlink started renewing its access to ${name}`;
    default:
      return `${name}: ${run.workflow}`;
  }
}

/** The signed-in person's own trail, one entry per run, with where it came from. */
export function ActivityList({ runs, timeZone }: { runs: AuditRun[]; timeZone?: string }) {
  return (
    <ol className="mt-4 space-y-3">
      {runs.map((run) => {
        const when = run.endedAt ?? run.startedAt;
        const device = describeDevice(run.userAgent);
        const failed = run.outcome === "failed";
        return (
          <li
            key={run.key}
            data-correlation-id={run.correlationId}
            className={`rounded-lg border bg-white p-4 ${failed ? "border-red-200" : "border-zinc-200"}`}
          >
            <p className="font-medium">{activitySentence(run)}</p>
            {failed && run.reasonText ? (
              <p className="mt-1 text-sm text-red-800">
                {run.reasonText}
                {run.needsUserAction ? " Reconnect to keep using it." : ""}
              </p>
            ) : null}
            <p className="mt-1 text-sm text-zinc-600">
              <time dateTime={when.toISOString()}>{formatAuditTime(when, timeZone)}</time>
              {run.actorType === "system" ? (
                <> · automatically, by Ledgerlink</>
              ) : (
                <>
                  {" · "}from IP address {run.ipAddress ?? "unknown"}
                  {device ? ` · ${device}` : ""}
                </>
              )}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
