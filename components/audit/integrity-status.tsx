import { after } from "next/server";

import { auditChainStatus, fullWalkMs, type ChainStatus } from "@/lib/audit/chain-status";
import { auditTableRights, type AuditTableRights } from "@/lib/audit/runtime-role";

import { formatAuditTime } from "./audit-format";

const range = (from: number | null, to: number | null) => (from === null || to === null ? "no rows" : from === to ? `row #${from}` : `rows #${from}–#${to}`);

/**
 * Whether the audit log verifies, saying exactly what was re-hashed and when, what the newest
 * signed checkpoint says, and what the app's own database role could do to the table.
 * Streamed in (see the page's Suspense).
 */
export async function IntegrityStatus({ timeZone }: { timeZone: string }) {
  const at = (value: Date) => formatAuditTime(value, timeZone);
  // A full walk that falls due runs after the response: this view checks the appended rows.
  const [status, rights] = await Promise.all([auditChainStatus({ inBackground: after }), auditTableRights()]);
  if (status.ok) {
    return (
      <div role="status" className="rounded-md border border-green-200 bg-green-50 px-4 py-3 text-sm text-green-900">
        <p>
          <strong className="font-semibold">Hash chain verified.</strong> {whatWasChecked(status, at)}
        </p>
        <p className="mt-1">{checkpointText(status, at)}</p>
        <RoleLine rights={rights} />
      </div>
    );
  }
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p>
        <strong className="font-semibold">Audit log broken at row #{status.firstBadSeq}</strong>
        {status.eventId ? (
          <>
            {" "}
            (event <span className="font-mono">{status.eventId}</span>)
          </>
        ) : null}
        : {status.reason}.
      </p>
      <p className="mt-1">
        Checked {at(status.checkedAt)}. Rows from #{status.firstBadSeq} on cannot be trusted until this is explained.
      </p>
      <RoleLine rights={rights} />
    </div>
  );
}

function whatWasChecked(status: ChainStatus, at: (value: Date) => string): string {
  const full = status.full;
  const fullText = full
    ? `${full.rows.toLocaleString("en")} ${full.rows === 1 ? "row" : "rows"} (${range(full.fromSeq, full.toSeq)}) re-hashed from the first at ${at(full.at)}`
    : "";
  const appended = status.appended;
  const appendedText = appended
    ? appended.rows > 0
      ? `; ${appended.rows.toLocaleString("en")} appended since (${range(appended.fromSeq, appended.toSeq)}), each re-hashed onto the chain by the first view after it, the last check at ${at(appended.at)}`
      : `; none appended since, checked at ${at(appended.at)}`
    : "";
  const next = status.nextFullWalk;
  const running = next ? (next.startedAt ? ` The next full walk, started at ${at(next.startedAt)}, is under way.` : " The next full walk starts once this page is sent.") : "";
  return `${fullText}${appendedText}. ${everyText(fullWalkMs())}${running}`;
}

function everyText(ms: number): string {
  if (ms === 0) return "The whole chain is re-hashed on every view.";
  const minutes = ms / 60_000;
  const every = Number.isInteger(minutes) ? (minutes === 1 ? "1 minute" : `${minutes} minutes`) : `${Math.round(ms / 1000)} seconds`;
  return `The whole chain is re-hashed again ${every} after each full walk ends.`;
}

function checkpointText(status: ChainStatus, at: (value: Date) => string): string {
  const check = status.checkpoint;
  if (check.status === "none") return "No signed checkpoint yet (the sweep and every export make one): a deleted tail would not show until one exists.";
  if (check.status === "matches") {
    return `Newest signed checkpoint: row #${check.checkpoint.seq}, signed ${at(new Date(check.checkpoint.at))} with key “${check.checkpoint.keyId}”; the table still holds that row with that hash.`;
  }
  return "";
}

function RoleLine({ rights }: { rights: AuditTableRights }) {
  if (rights.owns || rights.canChange.length > 0) {
    return (
      <p className="mt-1">
        The app&apos;s database role <span className="font-mono">{rights.role}</span>{" "}
        {rights.superuser ? "is a superuser" : rights.owns ? "owns the audit table" : `may ${rights.canChange.join(", ")} the audit table`}: it could
        change rows and recompute their hashes, which only the signed checkpoints would reveal. Separate the roles with{" "}
        <span className="font-mono">DATABASE_MIGRATION_URL</span> (README, “Two database roles”).
      </p>
    );
  }
  return (
    <p className="mt-1">
      The app&apos;s database role <span className="font-mono">{rights.role}</span> can only read the audit table and append through{" "}
      <span className="font-mono">audit_logs_append</span>: no update, delete, truncate or change to the table.
    </p>
  );
}

export function IntegrityStatusPending() {
  return (
    <p role="status" className="rounded-md border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600">
      Verifying the audit hash chain…
    </p>
  );
}
