import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../db/client";

export interface AuditTableRights {
  role: string;
  /** The role owns audit_logs (or is a superuser): it can disable the triggers, alter or drop the table. */
  owns: boolean;
  superuser: boolean;
  /** What the role may do to audit_logs besides reading (should be none). */
  canChange: ("UPDATE" | "DELETE" | "TRUNCATE")[];
}

/**
 * What the role the app runs as may do to `audit_logs`, asked of the database itself, so the
 * admin page says it plainly: separated roles (README "Two database roles") or one role that
 * owns the table.
 */
export async function auditTableRights(executor?: Executor): Promise<AuditTableRights> {
  const db = executor ?? (await getDb());
  const [row] = await queryRows<{ role: string; owns: boolean; superuser: boolean; update: boolean; delete: boolean; truncate: boolean }>(
    db,
    sql`select current_user::text as role,
      pg_has_role(current_user, c.relowner, 'USAGE') as owns,
      coalesce((select rolsuper from pg_roles where rolname = current_user), false) as superuser,
      has_table_privilege(c.oid, 'UPDATE') as update,
      has_table_privilege(c.oid, 'DELETE') as delete,
      has_table_privilege(c.oid, 'TRUNCATE') as truncate
    from pg_class c where c.oid = 'audit_logs'::regclass`,
  );
  const canChange = (["UPDATE", "DELETE", "TRUNCATE"] as const).filter((p) => row?.[p.toLowerCase() as "update" | "delete" | "truncate"]);
  return { role: row?.role ?? "unknown", owns: Boolean(row?.owns || row?.superuser), superuser: Boolean(row?.superuser), canChange };
}
