import type { AuditRun } from "./queries/list-audit-runs";
import { listAuditRuns } from "./queries/list-audit-runs";
import { checkRunDetailsPass, RUN_DETAILS_PASS_HOURS } from "./run-details-pass";

export type OpenRunResult = { status: "opened"; run: AuditRun } | { status: "error"; message: string };

/**
 * A timeline run opened from a recorded view: its pass must be the one that view gave this
 * admin for this run (lib/audit/run-details-pass.ts), then the run is read whole (every row,
 * the people it names, its emails). The caller has checked that the user is an admin.
 */
export async function openRunDetails({
  adminId,
  viewId,
  correlationId,
  pass,
  now = new Date(),
}: {
  adminId: string;
  viewId: string;
  correlationId: string;
  pass: string;
  now?: Date;
}): Promise<OpenRunResult> {
  const check = checkRunDetailsPass({ viewId, adminId, correlationId, pass, now });
  if (check === "expired") return { status: "error", message: `This page is more than ${RUN_DETAILS_PASS_HOURS} hours old: reload it to open its runs.` };
  if (check !== "valid") return { status: "error", message: "This run cannot be opened from here." };
  const { runs } = await listAuditRuns({ filter: { correlationId }, pageSize: 1 });
  const run = runs[0];
  return run ? { status: "opened", run } : { status: "error", message: "This run is no longer in the audit log." };
}
