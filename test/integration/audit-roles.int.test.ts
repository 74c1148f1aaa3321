/**
 * Least privilege (issue 10): with DATABASE_MIGRATION_URL, migrations run as the owner and the
 * runtime role may only read audit_logs and append through audit_logs_append. On PostgreSQL
 * this creates a throwaway owner role, runtime role and database (all named audit_…), migrates
 * as the owner, then tries every tampering as the runtime role. PGlite has no roles: skipped.
 */
import { randomBytes } from "node:crypto";

import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { auditTableRights } from "@/lib/audit/runtime-role";
import type { Executor } from "@/lib/db/client";
import { migrateAsOwner, type RuntimeGrants } from "@/lib/db/runtime-grants";
import { env } from "@/lib/env";

const onPostgres = Boolean(env.DATABASE_URL);
// Roles and privileges, not pooling: through PgBouncer, talk to the server directly (the run
// through the pooler sets DATABASE_MIGRATION_URL to the direct URL).
const serverUrl = env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL;
const suffix = randomBytes(4).toString("hex");
const owner = `audit_owner_${suffix}`;
const runtime = `audit_app_${suffix}`;
const database = `audit_roles_${suffix}`;

function urlFor(user: string): string {
  const url = new URL(serverUrl ?? "postgres://localhost/none");
  url.username = user;
  url.password = "";
  url.pathname = `/${database}`;
  return url.toString();
}

describe.skipIf(!onPostgres)("the runtime role on PostgreSQL (PGlite has no roles: skipped there)", () => {
  let admin: ReturnType<typeof postgres>;
  let app: ReturnType<typeof postgres>;
  let grants: RuntimeGrants;

  beforeAll(async () => {
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create role ${owner} login`);
    await admin.unsafe(`create role ${runtime} login`);
    await admin.unsafe(`create database ${database} owner ${owner}`);
    grants = await migrateAsOwner({ migrationUrl: urlFor(owner), runtimeUrl: urlFor(runtime) });
    app = postgres(urlFor(runtime), { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await app?.end();
    await admin?.unsafe(`drop database if exists ${database} with (force)`);
    await admin?.unsafe(`drop role if exists ${runtime}`);
    await admin?.unsafe(`drop role if exists ${owner}`);
    await admin?.end();
  });

  it("grants what the app needs, and only SELECT on audit_logs", () => {
    expect(grants).toMatchObject({ migrationRole: owner, runtimeRole: runtime });
    expect(grants.granted).toContain("audit_logs: SELECT");
    expect(grants.granted).toContain("audit_checkpoints: SELECT, INSERT");
    expect(grants.granted).toContain("event_outbox: SELECT, INSERT, UPDATE");
    expect(grants.granted).toContain("provider_connections: SELECT, INSERT, UPDATE, DELETE");
  });

  it("appends through audit_logs_append and reads, as the runtime role", async () => {
    const eventId = crypto.randomUUID();
    const row = {
      event_id: eventId, event_type: "ProviderConnectionAttempted", action: "provider_connection_attempted", outcome: "attempted",
      workflow: "connect", actor_type: "system", provider_id: "sandbox-bank", provider_slug: "sandbox-bank",
      correlation_id: crypto.randomUUID(), occurred_at: new Date().toISOString(), recorded_at: new Date().toISOString(), metadata: {},
    };
    const [result] = await app`select to_jsonb(audit_logs_append(${JSON.stringify([{ row, content: "{}" }])}::text::jsonb)) as seqs`;
    expect(result!.seqs).toHaveLength(1);
    const rows = await app`select event_id from audit_logs where event_id = ${eventId}`;
    expect(rows).toHaveLength(1);
  });

  it("is what the admin page reports for each role: the runtime role owns nothing and may change nothing", async () => {
    const asRuntime = drizzle(app) as unknown as Executor;
    expect(await auditTableRights(asRuntime)).toEqual({ role: runtime, owns: false, superuser: false, canChange: [] });
    const asOwner = postgres(urlFor(owner), { max: 1, onnotice: () => {} });
    try {
      expect(await auditTableRights(drizzle(asOwner) as unknown as Executor)).toEqual({
        role: owner,
        owns: true,
        superuser: false,
        canChange: ["UPDATE", "DELETE", "TRUNCATE"],
      });
    } finally {
      await asOwner.end();
    }
  });

  it.each([
    ["ALTER TABLE … DISABLE TRIGGER", "alter table audit_logs disable trigger user", /must be owner/],
    ["UPDATE", "update audit_logs set ip_address = '198.51.100.66'", /permission denied/],
    ["DELETE", "delete from audit_logs", /permission denied/],
    ["TRUNCATE", "truncate audit_logs", /permission denied/],
    ["INSERT outside the function", "insert into audit_logs (event_id) values (gen_random_uuid())", /permission denied/],
    ["DROP TABLE", "drop table audit_logs", /must be owner/],
    ["ALTER FUNCTION", "alter function audit_logs_append(jsonb) security invoker", /must be owner/],
    ["UPDATE a checkpoint", "update audit_checkpoints set hash = 'x'", /permission denied/],
    ["DELETE a checkpoint", "delete from audit_checkpoints", /permission denied/],
    ["TRUNCATE another table", "truncate provider_connections cascade", /permission denied/],
    ["DELETE from the outbox", "delete from event_outbox", /permission denied/],
    ["CREATE TABLE", "create table audit_shadow (id int)", /permission denied/],
    ["re-grant itself", `select audit_grant_runtime_role('${runtime}')`, /permission denied/],
  ])("refuses the runtime role: %s", async (_name, statement, message) => {
    await expect(app.unsafe(statement)).rejects.toThrow(message);
  });
});
