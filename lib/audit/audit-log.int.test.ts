import { asc, eq, gt, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { getDb, queryRows } from "../db/client";
import { auditLogs } from "../db/schema";
import { dispatchEvent, emitNow } from "../events/emit";
import { sampleEvents } from "@/test/support/sample-events";
import { createTestUser } from "@/test/support/test-users";
import { appendAuditLog } from "./append-audit-log";
import { auditEntryFromEvent } from "../events/handlers/audit-entry-from-event";
import { computeAuditHash } from "./audit-hash";
import { readAuditLog } from "./audit-metadata";
import { verifyAuditChain } from "./verify-chain";
import { tamperWithAuditLog } from "@/test/support/audit-tamper";

function entryFor(event: ReturnType<typeof sampleEvents>[number]) {
  return auditEntryFromEvent(event, { providerName: "Sandbox Bank", recordedAt: new Date() });
}


describe("audit_logs", () => {
  it("gets one row per event, and a re-run for the same event adds nothing", async () => {
    const user = await createTestUser();
    const [event] = sampleEvents({ userId: user.id });
    await emitNow(event);
    await dispatchEvent(event);
    expect(await appendAuditLog(entryFor(event))).toEqual({ inserted: false, seq: null });
    const db = await getDb();
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.eventId, event.eventId));
    expect(rows).toHaveLength(1);
    const row = readAuditLog(rows[0]!);
    expect(row).toMatchObject({
      action: "provider_connection_attempted",
      outcome: "attempted",
      workflow: "connect",
      userId: user.id,
      correlationId: event.correlationId,
      metadata: { providerName: "Sandbox Bank", requestId: null },
    });
  });

  it.each([
    ["UPDATE", sql`update audit_logs set reason = 'rewritten'`],
    ["UPDATE", sql`update audit_logs set reason = 'rewritten' where false`],
    ["DELETE", sql`delete from audit_logs`],
    ["TRUNCATE", sql`truncate audit_logs`],
  ])("refuses %s in the database itself", async (operation, statement) => {
    const [event] = sampleEvents();
    await appendAuditLog(entryFor(event));
    const db = await getDb();
    const before = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_logs`);
    const error = await db.execute(statement).then(
      () => null,
      (e: unknown) => e as Error & { cause?: Error & { code?: string } },
    );
    // Drizzle wraps the driver's error; the database's own message and SQLSTATE are in `cause`.
    expect(error?.cause?.message).toBe(`audit_logs is append-only: ${operation} refused`);
    expect(error?.cause?.code).toBe("42501");
    expect(await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_logs`)).toEqual(before);
  });

  it("refuses a row whose metadata does not fit its action, before it reaches the chain", async () => {
    const [event] = sampleEvents();
    const entry = entryFor(event);
    await expect(appendAuditLog({ ...entry, metadata: { ...entry.metadata, accessToken: "at-secret" } as never })).rejects.toThrow();
    const db = await getDb();
    expect(await db.select().from(auditLogs).where(eq(auditLogs.eventId, entry.eventId))).toHaveLength(0);
  });
});

describe("the audit hash chain", () => {
  it("verifies, stays correct under concurrent writers, and names the first altered row", async () => {
    const events = Array.from({ length: 6 }, () => sampleEvents()).flat();
    const db = await getDb();
    // Half through this process's group commit, half as separate statements on separate
    // connections (as other processes would), all at once: the advisory lock orders them.
    const results = await Promise.all(
      events.map((event, i) => (i % 2 === 0 ? appendAuditLog(entryFor(event)) : appendAuditLog(entryFor(event), db))),
    );
    const seqs = results.map((r) => r.seq);
    expect(results.every((r) => r.inserted && Number.isInteger(r.seq) && r.seq! > 0)).toBe(true);
    expect(new Set(seqs).size).toBe(events.length);

    const before = await verifyAuditChain({ batchSize: 7 });
    expect(before).toMatchObject({ ok: true });
    expect(before.rows).toBeGreaterThanOrEqual(events.length);

    const [victim] = await db.select().from(auditLogs).where(eq(auditLogs.eventId, events[12]!.eventId));
    await tamperWithAuditLog(sql`update audit_logs set ip_address = '198.51.100.66' where seq = ${victim!.seq}`);
    try {
      const broken = await verifyAuditChain({ batchSize: 7 });
      expect(broken).toEqual({
        ok: false,
        rows: expect.any(Number),
        firstBadSeq: victim!.seq,
        eventId: victim!.eventId,
        reason: expect.stringContaining("altered"),
      });

      // Recomputing the altered row's hash makes that row check out, and moves the break to the
      // next row, which still points at the old hash.
      const forged = { ...victim!, ipAddress: "198.51.100.66" };
      await tamperWithAuditLog(sql`update audit_logs set hash = ${computeAuditHash(victim!.prevHash, forged)} where seq = ${victim!.seq}`);
      const [next] = await db.select().from(auditLogs).where(gt(auditLogs.seq, victim!.seq)).orderBy(asc(auditLogs.seq)).limit(1);
      const relinked = await verifyAuditChain();
      expect(relinked).toMatchObject({ ok: false, firstBadSeq: next!.seq, reason: expect.stringContaining("prev_hash") });
    } finally {
      await tamperWithAuditLog(sql`update audit_logs set ip_address = ${victim!.ipAddress}, hash = ${victim!.hash} where seq = ${victim!.seq}`);
    }
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });
});
