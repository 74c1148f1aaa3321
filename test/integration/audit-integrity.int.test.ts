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
      // The walk continued from the head: the line keeps the last full walk and counts the rows
      // re-hashed onto it (the two appended before, and the attempt row before the tampered one).
      expect(await auditChainStatus()).toMatchObject({ ok: false, firstBadSeq: victim!.seq, full: first.full, totalRows: continued.totalRows + 1, appended: null });
    } finally {
      await tamperWithAuditLog(sql`update audit_logs set ip_address = null where seq = ${victim!.seq}`);
    }
    // After fullWalkMs() the walk starts from the first row again.
    const later = await auditChainStatus({ now: new Date(Date.now() + fullWalkMs() + 1) });
    expect(later).toMatchObject({ ok: true, appended: null, full: { rows: later.totalRows } });
  });

  it("says which rows it re-hashed: the full walk's range, then the appended rows' range, kept across views", async () => {
    const walkedAt = new Date();
    const first = await auditChainStatus({ now: walkedAt });
    if (!first.ok) throw new Error("the chain should verify");
    const db = await getDb();
    const [{ lowest } = { lowest: 0 }] = await db.select({ lowest: sql<number>`min(seq)::float8` }).from(auditLogs);
    expect(first).toMatchObject({ appended: null, full: { rows: first.totalRows, fromSeq: lowest, toSeq: first.head!.seq, at: walkedAt } });

    await someRuns(1);
    const second = await auditChainStatus({ now: new Date(walkedAt.getTime() + 1_000) });
    if (!second.ok) throw new Error("the chain should verify");
    const appendedFrom = first.head!.seq + 1;
    expect(second).toMatchObject({ full: first.full, totalRows: first.totalRows + 2, appended: { rows: 2, fromSeq: appendedFrom, toSeq: second.head!.seq } });

    // Nothing new: the line still says which rows were appended since the full walk.
    const third = await auditChainStatus({ now: new Date(walkedAt.getTime() + 2_000) });
    expect(third).toMatchObject({ full: first.full, totalRows: first.totalRows + 2, appended: { rows: 2, fromSeq: appendedFrom, toSeq: second.head!.seq } });
    await someRuns(1);
    const fourth = await auditChainStatus({ now: new Date(walkedAt.getTime() + 3_000) });
    if (!fourth.ok) throw new Error("the chain should verify");
    expect(fourth).toMatchObject({ full: first.full, totalRows: first.totalRows + 4, appended: { rows: 4, fromSeq: appendedFrom, toSeq: fourth.head!.seq } });
  });

  it("trusts a full walk for fullWalkMs() from when it ended, not from before it began", async () => {
    for (const inTransaction of [false, true]) {
      forgetAuditChainStatus();
      const walkedAt = new Date();
      const view = async (now: Date) =>
        inTransaction ? (await getDb()).transaction((tx) => auditChainStatus({ now, executor: tx })) : auditChainStatus({ now });
      const first = await view(walkedAt);
      expect(first).toMatchObject({ ok: true, appended: null });
      // Just inside the window, counted from the walk's end (it took some milliseconds): continued.
      const inside = await view(new Date(walkedAt.getTime() + fullWalkMs() - 1));
      expect(inside).toMatchObject({ ok: true, full: first.full, appended: { rows: 0 } });
    }
  });

  it("runs one full walk at a time: views that need one while it runs share it", async () => {
    await someRuns(2);
    const first = new Date();
    const [a, b] = await Promise.all([auditChainStatus({ now: first }), auditChainStatus({ now: new Date(first.getTime() + 1_000) })]);
    expect(a).toMatchObject({ ok: true, appended: null });
    // The second view waited for the first one's walk: the same rows, re-hashed at the same time.
    expect(b.full).toEqual(a.full);
    expect(b.full!.at).toEqual(first);
  });

  it("with a background runner, a due full walk runs after the view, which checks the appended rows meanwhile", async () => {
    const first = await auditChainStatus();
    await someRuns(1);
    const tasks: Array<() => Promise<unknown>> = [];
    const due = new Date(Date.now() + fullWalkMs() + 1);
    const view = await auditChainStatus({ now: due, inBackground: (task) => tasks.push(task) });
    // Not a full walk: the last one's head, and the two rows appended since, re-hashed now.
    expect(view).toMatchObject({ ok: true, full: first.full, appended: { rows: 2, at: due }, nextFullWalk: { startedAt: null } });
    expect(tasks).toHaveLength(1);

    await tasks[0]!();
    const after = await auditChainStatus({ now: new Date(due.getTime() + 1_000) });
    // The background walk is the new full walk: everything, from the first row, at the view's time or just after.
    expect(after).toMatchObject({ ok: true, nextFullWalk: null, full: { rows: first.totalRows + 2, fromSeq: first.full!.fromSeq } });
    expect(after.full!.at.getTime()).toBeGreaterThanOrEqual(due.getTime());
  });

  it("leaves nothing to the background when its head is fresh, or when it walks in a transaction of its own", async () => {
    const tasks: Array<() => Promise<unknown>> = [];
    const first = await auditChainStatus();
    expect(await auditChainStatus({ inBackground: (task) => tasks.push(task) })).toMatchObject({ ok: true, full: first.full, nextFullWalk: null });
    expect(tasks).toHaveLength(0);

    // Due, but given a transaction: it walks in full there, now, and schedules nothing.
    const due = new Date(Date.now() + fullWalkMs() + 1);
    const inTransaction = await (await getDb()).transaction((tx) => auditChainStatus({ now: due, executor: tx, inBackground: (task) => tasks.push(task) }));
    expect(inTransaction).toMatchObject({ ok: true, appended: null, nextFullWalk: null, full: { at: due } });
    expect(tasks).toHaveLength(0);
  });

  it("two views that find the walk due both offer it to the background; it runs once", async () => {
    await auditChainStatus();
    const tasks: Array<() => Promise<unknown>> = [];
    const due = new Date(Date.now() + fullWalkMs() + 1);
    await auditChainStatus({ now: due, inBackground: (task) => tasks.push(task) });
    await auditChainStatus({ now: due, inBackground: (task) => tasks.push(task) });
    expect(tasks).toHaveLength(2);

    await tasks[0]!();
    const walked = (await auditChainStatus({ now: due })).full;
    await tasks[1]!(); // the head is fresh now: nothing to do
    expect((await auditChainStatus({ now: due })).full).toEqual(walked);
  });

  it("a background full walk that finds a changed row clears the head: the next view walks in full and names it", async () => {
    const ids = await someRuns(2);
    const first = await auditChainStatus();
    expect(first.ok).toBe(true);
    const db = await getDb();
    const [victim] = await db.select().from(auditLogs).where(eq(auditLogs.eventId, ids[1]!));
    // Below the verified head: only a full walk re-hashes it.
    await tamperWithAuditLog(sql`update audit_logs set reason = 'provider_revoked' where seq = ${victim!.seq}`);
    try {
      const tasks: Array<() => Promise<unknown>> = [];
      const due = new Date(Date.now() + fullWalkMs() + 1);
      expect(await auditChainStatus({ now: due, inBackground: (task) => tasks.push(task) })).toMatchObject({ ok: true, nextFullWalk: { startedAt: null } });
      await tasks[0]!();
      // Even a view that could leave a due walk to the background walks now: no head to continue from.
      const next = await auditChainStatus({ now: due, inBackground: (task) => tasks.push(task) });
      expect(next).toMatchObject({ ok: false, firstBadSeq: victim!.seq, reason: expect.stringContaining("altered") });
      expect(tasks).toHaveLength(1);
    } finally {
      await tamperWithAuditLog(sql`update audit_logs set reason = null where seq = ${victim!.seq}`);
    }
  });
});
