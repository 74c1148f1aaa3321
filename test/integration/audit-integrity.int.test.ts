/**
 * The integrity line of /admin/audit (lib/audit/chain-status.ts): it reports a verified chain,
 * names the first tampered row — on a full walk and on the cheaper walk that continues from
 * the last verified head — and never keeps a broken result.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";

import { auditChainStatus, forgetAuditChainStatus, fullWalkMs } from "@/lib/audit/chain-status";
import { getDb } from "@/lib/db/client";
import { auditLogs } from "@/lib/db/schema";
import { tamperWithAuditLog } from "@/test/support/audit-tamper";
import { appendPastRefreshes } from "@/test/support/past-refreshes";

const someRuns = (count: number) => appendPastRefreshes(count, { from: new Date(Date.UTC(2026, 3, 1)) });

afterEach(() => forgetAuditChainStatus());

describe("the chain check on the admin page", () => {
  it("reports a verified chain with its size, then names a tampered row, then verifies again once repaired", async () => {
    const ids = await someRuns(3);
    const ok = await auditChainStatus();
    expect(ok).toMatchObject({ ok: true });
    const db = await getDb();
    const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLogs);
    expect(ok.totalRows).toBe(n);

    const [victim] = await db.select().from(auditLogs).where(eq(auditLogs.eventId, ids[2]!));
    await tamperWithAuditLog(sql`update audit_logs set reason = 'provider_revoked' where seq = ${victim!.seq}`);
    try {
      forgetAuditChainStatus(); // a full walk
      const broken = await auditChainStatus();
      expect(broken).toMatchObject({ ok: false, firstBadSeq: victim!.seq, eventId: victim!.eventId, reason: expect.stringContaining("altered") });
      // Not cached: the next view walks again and still says so.
      expect(await auditChainStatus()).toMatchObject({ ok: false, firstBadSeq: victim!.seq });
    } finally {
      await tamperWithAuditLog(sql`update audit_logs set reason = null where seq = ${victim!.seq}`);
    }
    expect(await auditChainStatus()).toMatchObject({ ok: true });
  });

  it("checks rows appended since the last verified head without walking everything, and catches a tampered one", async () => {
    const first = await auditChainStatus();
    expect(first.ok).toBe(true);
    await someRuns(2);
    const continued = await auditChainStatus();
    expect(continued).toMatchObject({ ok: true, totalRows: first.totalRows + 4, full: first.full, appended: { rows: 4 } });

    const more = await someRuns(1);
    const db = await getDb();
    const [victim] = await db.select().from(auditLogs).where(eq(auditLogs.eventId, more[1]!));
    await tamperWithAuditLog(sql`update audit_logs set ip_address = '198.51.100.66' where seq = ${victim!.seq}`);
    try {
      expect(await auditChainStatus()).toMatchObject({ ok: false, firstBadSeq: victim!.seq });
    } finally {
      await tamperWithAuditLog(sql`update audit_logs set ip_address = null where seq = ${victim!.seq}`);
    }
    // After fullWalkMs() the walk starts from the first row again.
    const later = await auditChainStatus({ now: new Date(Date.now() + fullWalkMs() + 1) });
    expect(later).toMatchObject({ ok: true, appended: null, full: { rows: later.totalRows } });
  });
});
