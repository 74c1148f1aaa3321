import { auditChainStatus } from "@/lib/audit/chain-status";

import { formatAuditTime } from "./audit-format";

/** Whether the audit hash chain verifies, and where it breaks if it does not. Streamed in (see the page's Suspense). */
export async function IntegrityStatus() {
  const status = await auditChainStatus();
  if (status.ok) {
    return (
      <p role="status" className="rounded-md border border-green-200 bg-green-50 px-4 py-3 text-sm text-green-900">
        <strong className="font-semibold">Hash chain verified.</strong> All {status.totalRows.toLocaleString("en")} audit rows are intact
        {status.head ? ` (head #${status.head.seq})` : ""}. Checked {formatAuditTime(status.checkedAt)}; last full walk{" "}
        {formatAuditTime(status.fullWalkAt)}.
      </p>
    );
  }
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p>
        <strong className="font-semibold">Hash chain broken at row #{status.firstBadSeq}</strong> (event{" "}
        <span className="font-mono">{status.eventId}</span>): {status.reason}.
      </p>
      <p className="mt-1">
        The {status.rows.toLocaleString("en")} rows before it verify. Rows from #{status.firstBadSeq} on cannot be trusted until this is explained.
      </p>
    </div>
  );
}

export function IntegrityStatusPending() {
  return (
    <p role="status" className="rounded-md border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600">
      Verifying the audit hash chain…
    </p>
  );
}
