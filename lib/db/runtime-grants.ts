/**
 * Migrations as the owner role, then least privilege for the runtime role (README "Two
 * database roles"). With DATABASE_MIGRATION_URL set, the migrations run as that role, which
 * owns every table; the role the app runs as is learnt by connecting with DATABASE_URL and
 * asking `current_user` (a pooler's user name need not be the role's), and the migration's
 * `audit_grant_runtime_role` (drizzle/0007) grants it only what the app needs: no UPDATE,
 * DELETE or TRUNCATE on audit_logs, no ownership, no DDL. Re-run on every migrate, so tables
 * added later are covered.
 */
import path from "node:path";

import type { Database } from "./client";
import { postgresTarget } from "./pooler";

export interface RuntimeGrants {
  migrationRole: string;
  runtimeRole: string;
  /** `table: privileges` as granted; empty when both URLs name the same role. */
  granted: string[];
}

export async function migrateAsOwner({
  migrationUrl,
  runtimeUrl,
  migrationsFolder = path.resolve(process.cwd(), "drizzle"),
}: {
  migrationUrl: string;
  runtimeUrl: string;
  migrationsFolder?: string;
}): Promise<RuntimeGrants> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const owner = postgresTarget(migrationUrl);
  const client = postgres(owner.url, { max: 1, prepare: owner.prepare, connect_timeout: 5, onnotice: () => {} });
  try {
    const db = drizzle({ client }) as unknown as Database;
    await migrate(db as never, { migrationsFolder });
    const [{ role: migrationRole }] = (await client`select current_user as role`) as unknown as [{ role: string }];
    const runtimeRole = await roleOf(runtimeUrl);
    if (runtimeRole === migrationRole) return { migrationRole, runtimeRole, granted: [] };
    const [result] = (await client`select audit_grant_runtime_role(${runtimeRole}) as granted`) as unknown as [{ granted: string[] }];
    return { migrationRole, runtimeRole, granted: result.granted };
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The role a connection string logs in as, asked of the server (through its pooler, if any). */
async function roleOf(url: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const target = postgresTarget(url);
  const client = postgres(target.url, { max: 1, prepare: target.prepare, connect_timeout: 5, onnotice: () => {} });
  try {
    const [{ role }] = (await client`select current_user as role`) as unknown as [{ role: string }];
    return role;
  } finally {
    await client.end({ timeout: 5 });
  }
}
