import type { AuditRun } from "@/lib/audit/queries/list-audit-runs";
import { describeDevice } from "@/lib/email/describe-device";

import { formatAuditTime } from "./audit-format";

/** How connect and disconnect read: "You connected", "Connecting … did not work", "You started connecting". */
const PERSON_VERBS: Record<string, { done: string; doing: string }> = {
  connect: { done: "connected", doing: "connecting" },
  disconnect: { done: "disconnected", doing: "disconnecting" },
};

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** What happened, in words a customer uses: "You connected Acme Bank". */
export function activitySentence(run: AuditRun): string {
  const name = run.providerName;
  const verbs = PERSON_VERBS[run.workflow];
  if (verbs) {
    if (run.outcome === "succeeded") return `You ${verbs.done} ${name}`;
    if (run.outcome === "failed") return `${capitalised(verbs.doing)} ${name} did not work`;
    return `You started ${verbs.doing} ${name}`;
  }
  if (run.workflow !== "refresh") return `${name}: ${run.workflow}`;
  // A refresh is usually Ledgerlink's own (the sweep); the person's when they asked for it.
  const byYou = run.actorType === "user";
  if (run.outcome === "succeeded") return byYou ? `You refreshed your access to ${name}` : `Ledgerlink renewed its access to ${name}`;
  if (run.outcome === "failed") return byYou ? `Refreshing your access to ${name} did not work` : `Ledgerlink could not renew its access to ${name}`;
  return `Ledgerlink started renewing its access to ${name}`;
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
