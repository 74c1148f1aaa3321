/**
 * Issue 10's tampering, done as the OWNER role (DATABASE_MIGRATION_URL: owns audit_logs, not a
 * superuser) against `next start` on PostgreSQL, where the app runs as the least-privileged
 * runtime role (DATABASE_URL; scripts/e2e-server.ts sets up both). Each tampering is committed,
 * then checked three ways, then undone from a copy the owner took first:
 *   (a) the admin badge on /admin/audit (AUDIT_FULL_WALK_SECONDS=0 here: every view walks in full),
 *   (b) `npm run audit:verify -- --checkpoint '<json>'` with the checkpoint of an export taken before,
 *   (c) the file verifier: the export taken before still verifies; one taken after does not.
 * And the runtime role is refused each tampering.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";

import { computeAuditHash, GENESIS_HASH, type HashedContent } from "../../lib/audit/offline-verifier.mjs";
import { e2eAdminEmail, e2eEnv, e2eOwnerDatabaseUrl, e2eRuntimeDatabaseUrl } from "../support/e2e-env";
import { signIn } from "../support/sign-in";

interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
}

const run = (command: string, args: string[], env: Record<string, string> = {}): { code: number; output: string } => {
  try {
    const output = execFileSync(command, args, { encoding: "utf8", stdio: "pipe", env: { ...process.env, ...e2eEnv, ...env } });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, output: `${failed.stdout}${failed.stderr}` };
  }
};

/** `npm run audit:verify -- --checkpoint '<json>'`, as the app's runtime role. */
const verifyLive = (checkpoint: Checkpoint) => run("npx", ["tsx", "scripts/audit-verify.ts", "--checkpoint", JSON.stringify(checkpoint)]);

test.describe.configure({ mode: "serial" });

test.describe("tampering as the owner role, against next start with a least-privileged runtime role", () => {
  // One connection (max 1), so the temporary copies below live as long as the spec.
  let owner: postgres.Sql;
  let dir: string;
  let page: Page;
  let before: Checkpoint;

  async function exportNdjson(name: string): Promise<{ file: string; checkpoint: Checkpoint }> {
    const response = await page.request.get("/admin/audit/export?format=ndjson");
    expect(response.status()).toBe(200);
    const text = await response.text();
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const { type: _type, scope: _scope, ...checkpoint } = JSON.parse(text.trim().split("\n").at(-1)!) as Checkpoint & { type: string; scope: string };
    return { file, checkpoint };
  }

  /** The downloadable verifier (the same file), with the public keys the app publishes. */
  const verifyFile = (file: string, checkpoint?: Checkpoint) =>
    run(process.execPath, ["lib/audit/offline-verifier.mjs", file, "--public-key", path.join(dir, "keys.json"), ...(checkpoint ? ["--checkpoint", JSON.stringify(checkpoint)] : [])]);

  async function badge() {
    await page.goto("/admin/audit");
    const status = page.getByRole("status").filter({ hasText: "Hash chain verified" }).or(page.getByRole("alert").filter({ hasText: "Audit log broken" }));
    await expect(status).toBeVisible();
    return status;
  }

  /** Runs `change` as the owner with the append-only triggers off, as the attacker does. */
  async function asOwnerTriggersOff(change: (sql: postgres.Sql) => Promise<unknown>) {
    await owner`alter table audit_logs disable trigger user`;
    try {
      await change(owner);
    } finally {
      await owner`alter table audit_logs enable trigger user`;
    }
  }

  /** Puts back the rows and checkpoints saved before the tampering (rows the app appended meanwhile go too). */
  async function restore() {
    await owner.begin(async (tx) => {
      await tx`alter table audit_logs disable trigger user`;
      await tx`delete from audit_logs`;
      await tx`insert into audit_logs select * from saved_audit_logs`;
      await tx`alter table audit_logs enable trigger user`;
      await tx`delete from audit_checkpoints`;
      await tx`insert into audit_checkpoints select * from saved_audit_checkpoints`;
      await tx`select setval(pg_get_serial_sequence('audit_logs', 'seq'), (select max(seq) from audit_logs))`;
    });
  }

  test.beforeAll(async ({ browser }) => {
    dir = mkdtempSync(path.join(os.tmpdir(), "ledgerlink-owner-tamper-"));
    owner = postgres(e2eOwnerDatabaseUrl, { max: 1, onnotice: () => {} });
    const [role] = await owner`select current_user as name, rolsuper as superuser, (select tableowner from pg_tables where tablename = 'audit_logs') as "auditOwner" from pg_roles where rolname = current_user`;
    expect(role).toMatchObject({ superuser: false, auditOwner: role!.name });

    page = await (await browser.newContext()).newPage();
    await signIn(page, e2eAdminEmail, { returnTo: "/admin/audit" });
    const keys = await (await page.request.get("/api/audit/public-keys")).json();
    writeFileSync(path.join(dir, "keys.json"), JSON.stringify(keys));
  });

  test.afterAll(async () => {
    await page?.context().close();
    await owner?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the app runs as a role that is refused every tampering", async () => {
    const runtime = postgres(e2eRuntimeDatabaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [role] = await runtime`select current_user as name, rolsuper as superuser from pg_roles where rolname = current_user`;
      expect(role).toMatchObject({ superuser: false });
      for (const [statement, refusal] of [
        ["alter table audit_logs disable trigger user", /must be owner/],
        ["update audit_logs set ip_address = '198.51.100.66'", /permission denied/],
        ["delete from audit_logs", /permission denied/],
        ["truncate audit_logs", /permission denied/],
      ] as const) {
        await expect(runtime.unsafe(statement), statement).rejects.toThrow(refusal);
      }
    } finally {
      await runtime.end();
    }
    const status = await badge();
    await expect(status).toContainText("can only read the audit table and append through audit_logs_append");
  });

  test("an export taken before the tampering verifies, and the owner saves the table to undo each tampering", async () => {
    const { file, checkpoint } = await exportNdjson("before.ndjson");
    before = checkpoint;
    const ok = verifyFile(file);
    expect(ok.output).toMatch(/rows verified \(full export\)/);
    expect(ok.code).toBe(0);
    await expect(await badge()).toContainText("Hash chain verified");
    expect(verifyLive(before)).toMatchObject({ code: 0 });
    await owner`create temporary table saved_audit_logs as select * from audit_logs`;
    await owner`create temporary table saved_audit_checkpoints as select * from audit_checkpoints`;
  });

  test("UPDATE with the triggers off (a forged IP address) is detected", async () => {
    const [victim] = await owner`select seq::int as seq from audit_logs where seq < ${before.seq - 1} order by seq desc limit 1`;
    const seq = victim!.seq as number;
    await asOwnerTriggersOff((sql) => sql`update audit_logs set ip_address = '198.51.100.66' where seq = ${seq}`);
    try {
      await expect(await badge()).toContainText(`Audit log broken at row #${seq}`);
      const live = verifyLive(before);
      expect(live.output).toContain(`broken at seq ${seq}`);
      expect(live.code).toBe(1);
      expect(verifyFile(path.join(dir, "before.ndjson"))).toMatchObject({ code: 0 });
      const after = verifyFile((await exportNdjson("after-update.ndjson")).file);
      expect(after.output).toMatch(new RegExp(`\\(seq ${seq}\\): the row's content does not match its hash`));
      expect(after.code).toBe(1);
    } finally {
      await restore();
    }
  });

  test("DELETE of the newest rows with the triggers off is detected", async () => {
    await asOwnerTriggersOff((sql) => sql`delete from audit_logs where seq >= ${before.seq - 1}`);
    try {
      // Before anything else is appended: the log ends two rows short of the checkpoint.
      const live = verifyLive(before);
      expect(live.output).toContain(`broken at seq ${before.seq - 1}`);
      expect(live.output).toContain("the newest rows were deleted");
      expect(live.code).toBe(1);
      // The page view appends its own access row first; the signed row is still missing.
      await expect(await badge()).toContainText(`row #${before.seq}, signed at ${before.at}, is missing`);
      expect(verifyFile(path.join(dir, "before.ndjson"))).toMatchObject({ code: 0 });
      // An export taken after is consistent in itself; the earlier checkpoint exposes it.
      const after = await exportNdjson("after-delete.ndjson");
      const file = verifyFile(after.file, before);
      expect(file.output).toContain(`row #${before.seq}, signed at ${before.at}, is missing`);
      expect(file.code).toBe(1);
      // That export's checkpoint was not stored over the broken one: the badge still says so.
      await expect(await badge()).toContainText("Audit log broken");
    } finally {
      await restore();
    }
  });

  test("a forged IP address with every hash recomputed with plain SHA-256 is detected", async () => {
    const [victim] = await owner`select seq::int as seq from audit_logs where seq < ${before.seq - 1} order by seq desc limit 1`;
    await asOwnerTriggersOff(async (sql) => {
      await sql`update audit_logs set ip_address = '198.51.100.66' where seq = ${victim!.seq}`;
      // What an owner who read docs/AUDIT-FORMAT.md does: re-chain every row from the first.
      const rows = await sql<(HashedContent & { seq: number })[]>`
        select seq::int as seq, event_id::text as "eventId", event_type as "eventType", action, outcome::text as outcome, workflow,
          actor_type as "actorType", actor_user_id as "actorUserId", user_id as "userId", provider_id as "providerId",
          provider_slug as "providerSlug", connection_id::text as "connectionId", reason, needs_user_action as "needsUserAction",
          correlation_id::text as "correlationId", ip_address as "ipAddress", user_agent as "userAgent",
          occurred_at as "occurredAt", recorded_at as "recordedAt", metadata
        from audit_logs order by seq`;
      let prev = GENESIS_HASH;
      for (const row of rows) {
        const hash = computeAuditHash(prev, row);
        await sql`update audit_logs set prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`;
        prev = hash;
      }
    });
    try {
      await expect(await badge()).toContainText(`Audit log broken at row #${before.seq}`);
      await expect(page.getByRole("alert").filter({ hasText: "Audit log broken" })).toContainText("the history up to it was rewritten");
      const live = verifyLive(before);
      expect(live.output).toContain(`broken at seq ${before.seq}`);
      expect(live.output).toContain("rewritten");
      expect(live.code).toBe(1);
      expect(verifyFile(path.join(dir, "before.ndjson"))).toMatchObject({ code: 0 });
      const after = await exportNdjson("after-rehash.ndjson");
      expect(verifyFile(after.file)).toMatchObject({ code: 0 }); // consistent in itself: the forger re-signed nothing, the app signed its head
      const file = verifyFile(after.file, before);
      expect(file.output).toContain(`row #${before.seq}'s hash is not the one signed at ${before.at}`);
      expect(file.code).toBe(1);
      await expect(await badge()).toContainText(`Audit log broken at row #${before.seq}`);
    } finally {
      await restore();
    }
  });

  test("after the owner undid every tampering the badge verifies again", async () => {
    await expect(await badge()).toContainText("Hash chain verified");
    expect(verifyLive(before)).toMatchObject({ code: 0 });
  });
});
