import "server-only";

import { recordAdminAccess } from "../audit/record-audit-access";

export type OperationsAccess = { action: "operations_viewed" } | { action: "operation_retried"; target: string; result: string };

/** An admin looked at /admin/operations or re-queued work: one row in the audit trail, like reading the log. */
export async function recordOperationsAccess({ access, adminId, headers }: { access: OperationsAccess; adminId: string; headers: Headers }) {
  const details = access.action === "operations_viewed" ? {} : { target: access.target.slice(0, 300), result: access.result.slice(0, 300) };
  await recordAdminAccess({ action: access.action, adminId, headers, details });
}
