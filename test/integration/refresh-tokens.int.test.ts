/**
 * Token refresh against the real Sandbox Bank (refresh-token rotation and reuse detection on):
 * the sweep, the race, the failures only the user can fix, and the transient ones.
 */
import { and, eq, isNotNull, notInArray } from "drizzle-orm";
import { describe, expect, test } from "vitest";

import { GET as cronRoute } from "@/app/api/cron/refresh-tokens/route";
import { getFreshAccessToken } from "@/lib/connections/get-fresh-access-token";
import { refreshConnection } from "@/lib/connections/refresh-connection";
import { MANUAL_REFRESH_RATE_LIMIT, refreshNow } from "@/lib/connections/refresh-now";
import { runRefreshSweep, type RefreshTiming } from "@/lib/connections/refresh-sweep";
import { getDb } from "@/lib/db/client";
import { auditLogs, providerConnections } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import type { Outcome } from "@/lib/providers/sandbox-bank/pages";
import { openConnectionToken } from "@/lib/providers/token-vault";
import { runWithRequestContext } from "@/lib/request-context";
import { connectionRow, refreshAuditTrail } from "@/test/support/connection-rows";
import { whileConnectionHeld } from "@/test/support/row-lock";
import { connectAtSandboxBank, uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const smtp = withSmtpCapture();
const bank = withSandboxBank();

/** A connection whose access token lives 60 s: always inside REFRESH_AHEAD_SECONDS, so due. */
async function dueConnection(login: string, outcome: Outcome = "short_lived", existing?: { userId: string; connectionId: string }) {
  const userId = existing?.userId ?? (await createTestUser()).id;
  return { userId, connectionId: await connectAtSandboxBank({ userId, login, outcome, connectionId: existing?.connectionId }) };
}

describe("refresh", () => {
  test("the sweep refreshes a due connection and stores the rotated tokens sealed", async () => {
    const login = uniqueLogin("rita");
    const { connectionId } = await dueConnection(login);
    const before = await connectionRow(connectionId);
    const oldRefresh = openConnectionToken(connectionId, "refresh_token", before.refreshTokenEnc!);

    const summary = await runRefreshSweep({ recover: false });
    expect(summary.refreshed).toBeGreaterThanOrEqual(1);

    const after = await connectionRow(connectionId);
    expect(after.status).toBe("active");
    expect(after.lastRefreshedAt).toBeInstanceOf(Date);
    const newRefresh = openConnectionToken(connectionId, "refresh_token", after.refreshTokenEnc!);
    expect(newRefresh).not.toBe(oldRefresh); // rotated
    expect(after.refreshTokenEnc).not.toContain(newRefresh);
    expect(after.accessTokenEnc).not.toBe(before.accessTokenEnc);
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken).toBe(1);
    expect(await refreshAuditTrail(connectionId)).toEqual([
      ["attempted", null, null],
      ["succeeded", null, null],
    ]);
  });

  test("ten concurrent refreshes of one connection make one request to the bank and leave it active", async () => {
    const login = uniqueLogin("sam");
    const { connectionId, userId } = await dueConnection(login);
    await Promise.all([
      ...Array.from({ length: 4 }, () => refreshConnection({ connectionId, lock: "skip" })),
      ...Array.from({ length: 3 }, () => refreshConnection({ connectionId, lock: "wait" })),
      runRefreshSweep({ recover: false }),
      runRefreshSweep({ recover: false }),
      getFreshAccessToken({ userId, connectionId }),
    ]);
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken).toBe(1);
    expect((await connectionRow(connectionId)).status).toBe("active");
    // The token handed out is the refreshed one, and it still works for the next refresh.
    expect(await refreshConnection({ connectionId, force: true })).toMatchObject({ status: "refreshed" });
  });

  test("a revoked grant makes the connection revoked, sends one email over two sweeps, and reconnecting re-activates it", async () => {
    const login = uniqueLogin("tess");
    const user = await createTestUser();
    const first = await dueConnection(login, "short_lived", undefined);
    // Move the connection to our user with a known email address.
    const db = await getDb();
    await db.update(providerConnections).set({ userId: user.id }).where(eq(providerConnections.id, first.connectionId));
    await bank.control().revokeAccount(login);

    await runRefreshSweep({ recover: false });
    await runRefreshSweep({ recover: false });

    const revoked = await connectionRow(first.connectionId);
    expect(revoked).toMatchObject({ status: "revoked", statusReason: "provider_revoked", refreshTokenEnc: null });
    expect(await refreshAuditTrail(first.connectionId)).toEqual([
      ["attempted", null, null],
      ["failed", "provider_revoked", true],
    ]);
    await expect.poll(() => smtp.capture().messages.filter((m) => m.to.includes(user.email)).map((m) => m.subject)).toEqual(["Reconnect Sandbox Bank"]);

    const again = await dueConnection(login, "approve", { userId: user.id, connectionId: first.connectionId });
    expect(again.connectionId).toBe(first.connectionId);
    expect(await connectionRow(first.connectionId)).toMatchObject({ status: "active", statusReason: null });
  });

  test("a bank answering 503 leaves the connection active and schedules a retry with backoff", async () => {
    const login = uniqueLogin("uma");
    const { connectionId } = await dueConnection(login);
    await bank.control().setAccount(login, { tokenEndpoint: "unavailable" });

    await runRefreshSweep({ recover: false });
    const failed = await connectionRow(connectionId);
    expect(failed).toMatchObject({ status: "active", refreshFailures: 1, statusReason: "provider_unavailable" });
    expect(failed.nextRefreshAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await refreshAuditTrail(connectionId)).toEqual([
      ["attempted", null, null],
      ["failed", "provider_unavailable", false],
    ]);

    // Backing off: the next sweep leaves it alone.
    await runRefreshSweep({ recover: false });
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken).toBe(1);

    // The bank is back and the backoff has passed: the retry succeeds.
    await bank.control().setAccount(login, { tokenEndpoint: "ok" });
    await runRefreshSweep({ recover: false, now: new Date(failed.nextRefreshAttemptAt!.getTime() + 1000) });
    expect(await connectionRow(connectionId)).toMatchObject({ status: "active", refreshFailures: 0, nextRefreshAttemptAt: null });
  });

  // Three connects and a whole sweep: give it room on a loaded machine.
  test("the cron route refuses a missing or wrong secret and answers a summary with the right one", { timeout: 90_000 }, async () => {
    const url = "http://localhost/api/cron/refresh-tokens";
    expect((await cronRoute(new Request(url), undefined)).status).toBe(401);
    expect((await cronRoute(new Request(url, { headers: { authorization: "Bearer wrong" } }), undefined)).status).toBe(401);

    // A known world: earlier sweeps' leftovers settled, every other connection not due, then
    // one due connection that refreshes, one the bank refuses (503), one still backing off.
    await runRefreshSweep({ recover: false });
    const ok = await dueConnection(uniqueLogin("vic"));
    const failingLogin = uniqueLogin("wes");
    const failing = await dueConnection(failingLogin);
    const backingOff = await dueConnection(uniqueLogin("xan"));
    const db = await getDb();
    await db
      .update(providerConnections)
      // connected just now: the accounts catch-up waits before its first try, so it reads none here
      .set({ accessTokenExpiresAt: new Date(Date.now() + 24 * 3600 * 1000), connectedAt: new Date() })
      .where(and(eq(providerConnections.status, "active"), notInArray(providerConnections.id, [ok.connectionId, failing.connectionId, backingOff.connectionId])));
    await db
      .update(providerConnections)
      .set({ nextRefreshAttemptAt: new Date(Date.now() + 3600 * 1000), refreshFailures: 1 })
      .where(eq(providerConnections.id, backingOff.connectionId));
    await bank.control().setAccount(failingLogin, { tokenEndpoint: "unavailable" });

    const response = await cronRoute(new Request(url, { headers: { authorization: `Bearer ${getEnv().CRON_SECRET}` } }), undefined);
    expect(response.status).toBe(200);
    const summary = await response.json();
    expect(summary).toMatchObject({ refreshed: 1, failed: 1, skipped: 0, abandonedConnects: 0, reauthWarnings: 0, accountsCaughtUp: 0, accountsCatchUpFailed: 0 });
    expect(summary.took).toBeGreaterThanOrEqual(0);
    expect(await connectionRow(ok.connectionId)).toMatchObject({ status: "active", refreshFailures: 0 });
    expect(await connectionRow(failing.connectionId)).toMatchObject({ status: "active", refreshFailures: 1, statusReason: "provider_unavailable" });
    expect(await connectionRow(backingOff.connectionId)).toMatchObject({ refreshFailures: 1, lastRefreshedAt: null });
  });
});

describe("sweeps share the work", () => {
  const leaseOf = async (connectionId: string) => (await connectionRow(connectionId)).refreshLeaseUntil;
  const setLease = async (connectionId: string, until: Date | null) => {
    const db = await getDb();
    await db.update(providerConnections).set({ refreshLeaseUntil: until }).where(eq(providerConnections.id, connectionId));
  };

  test("two sweeps at once claim disjoint batches: every due connection is attempted by exactly one, none wasted", async () => {
    const logins = Array.from({ length: 8 }, (_, i) => uniqueLogin(`vic${i}`));
    const ours: string[] = [];
    for (const login of logins) ours.push((await dueConnection(login)).connectionId);

    const attempts: RefreshTiming[][] = [[], []];
    const sweeps = await Promise.all(
      attempts.map((mine) => runRefreshSweep({ recover: false, concurrency: 2, batchSize: 2, onRefresh: (timing) => mine.push(timing) })),
    );

    // No connection was even looked at by both sweeps, and no attempt found its row taken.
    const [first, second] = attempts.map((mine) => new Set(mine.map((t) => t.connectionId)));
    expect([...first!].filter((id) => second!.has(id))).toEqual([]);
    expect(attempts.flat().filter((t) => t.status === "skipped")).toEqual([]);
    expect(sweeps.map((s) => s.skipped)).toEqual([0, 0]);
    for (const id of ours) expect(first!.has(id) || second!.has(id)).toBe(true);
    const stats = await bank.control().stats();
    expect(logins.map((login) => stats.tokenRequests.byAccount[login]?.refreshToken)).toEqual(logins.map(() => 1));
    // An attempt ends its claim.
    for (const id of ours) expect(await leaseOf(id)).toBeNull();
  });

  test("a live claim keeps other sweeps off a row; a lapsed one (a crashed sweep) lets the next sweep take it", async () => {
    const login = uniqueLogin("wes");
    const { connectionId } = await dueConnection(login);
    const held = new Date(Date.now() + 3600_000);
    await setLease(connectionId, held);

    await runRefreshSweep({ recover: false });
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken ?? 0).toBe(0);
    expect(await leaseOf(connectionId)).toEqual(held);

    await setLease(connectionId, new Date(Date.now() - 1000));
    await runRefreshSweep({ recover: false });
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken).toBe(1);
    expect(await connectionRow(connectionId)).toMatchObject({ status: "active", refreshLeaseUntil: null, refreshFailures: 0 });
  });

  test("a sweep that runs out of time mid-batch hands the rest of its claim back", async () => {
    for (const login of [uniqueLogin("yara"), uniqueLogin("yves")]) await dueConnection(login);
    const budgetMs = 4000;
    const startedAt = performance.now();
    // The first refresh outlasts the budget, so the batch's second row is never attempted.
    const waitOutBudget = () => {
      while (performance.now() - startedAt <= budgetMs + 50) {
        // spin: the sweep checks its deadline between refreshes
      }
    };
    const summary = await runRefreshSweep({ recover: false, budgetMs, concurrency: 1, batchSize: 2, onRefresh: waitOutBudget });
    // One attempt (other tests' rows may come first and fail at the bank), one row handed back.
    expect(summary.refreshed + summary.failed).toBe(1);
    expect(summary).toMatchObject({ skipped: 1, claimed: 2, batches: 1 });
    const db = await getDb();
    expect(await db.select({ id: providerConnections.id }).from(providerConnections).where(isNotNull(providerConnections.refreshLeaseUntil))).toEqual([]);
  });

  test("a sweep out of time claims nothing and leaves no claim behind", async () => {
    const login = uniqueLogin("xan");
    await dueConnection(login);
    const summary = await runRefreshSweep({ recover: false, budgetMs: -1 });
    expect(summary).toMatchObject({ refreshed: 0, claimed: 0, skipped: 0 });
    const db = await getDb();
    expect(await db.select({ id: providerConnections.id }).from(providerConnections).where(isNotNull(providerConnections.refreshLeaseUntil))).toEqual([]);
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken ?? 0).toBe(0);
  });
});

describe("refresh now (the owner's button)", () => {
  const asUser = <T>(userId: string, fn: () => Promise<T>) => runWithRequestContext({ actor: { type: "user", userId } }, fn);
  const tokenRequests = async (login: string) => (await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken ?? 0;

  test("refreshes its owner's active connection even when it is not due", async () => {
    const login = uniqueLogin("vic");
    const { userId, connectionId } = await dueConnection(login, "approve"); // an hour left: not due
    const before = await connectionRow(connectionId);

    const outcome = await asUser(userId, () => refreshNow({ userId, connectionId }));

    expect(outcome).toMatchObject({ status: "refreshed", connectionId });
    expect(await tokenRequests(login)).toBe(1);
    expect((await connectionRow(connectionId)).accessTokenEnc).not.toBe(before.accessTokenEnc);
  });

  test("refuses someone else's connection and one that is not active, without asking the bank", async () => {
    const login = uniqueLogin("wen");
    const { userId, connectionId } = await dueConnection(login, "approve");
    const stranger = await createTestUser();
    const notFound = { name: "ExpectedError", code: "connection_not_found", message: "Only an active connection can be refreshed." };

    await expect(asUser(stranger.id, () => refreshNow({ userId: stranger.id, connectionId }))).rejects.toMatchObject(notFound);
    await (await getDb()).update(providerConnections).set({ status: "expired" }).where(eq(providerConnections.id, connectionId));
    await expect(asUser(userId, () => refreshNow({ userId, connectionId }))).rejects.toMatchObject(notFound);
    expect(await tokenRequests(login)).toBe(0);
  });

  // Row locks need a second connection: PostgreSQL only (PGlite runs one transaction at a time).
  test.skipIf(!process.env.DATABASE_URL)("a press while a refresh holds the row waits for it, then refreshes", async () => {
    const login = uniqueLogin("zed");
    const { userId, connectionId } = await dueConnection(login, "approve");

    const { result, finishedWhileHeld } = await whileConnectionHeld(connectionId, () => asUser(userId, () => refreshNow({ userId, connectionId })));

    expect(finishedWhileHeld).toBe(false);
    expect(result).toMatchObject({ status: "refreshed" });
    expect(await tokenRequests(login)).toBe(1);
  });

  test(`after ${MANUAL_REFRESH_RATE_LIMIT.limit} presses in the window, the next is refused without asking the bank`, async () => {
    const login = uniqueLogin("xan");
    const { userId, connectionId } = await dueConnection(login, "approve");
    for (let press = 0; press < MANUAL_REFRESH_RATE_LIMIT.limit; press += 1) {
      expect(await asUser(userId, () => refreshNow({ userId, connectionId }))).toMatchObject({ status: "refreshed" });
    }

    await expect(asUser(userId, () => refreshNow({ userId, connectionId }))).rejects.toMatchObject({
      code: "rate_limited",
      message: "You have refreshed several times in a short while. Please wait a few minutes.",
    });
    expect(await tokenRequests(login)).toBe(MANUAL_REFRESH_RATE_LIMIT.limit);
    expect((await refreshAuditTrail(connectionId)).at(-1)).toEqual(["failed", "rate_limited", false]);
    // The refused press is one run: its attempt and its failure share a correlation id.
    const rows = await (await getDb()).select().from(auditLogs).where(eq(auditLogs.connectionId, connectionId)).orderBy(auditLogs.seq);
    const [attempt, refusal] = rows.slice(-2);
    expect([attempt!.action, refusal!.action]).toEqual(["provider_token_refresh_attempted", "provider_token_refresh_failed"]);
    expect(attempt!.correlationId).toBe(refusal!.correlationId);

    // The limit is the user's own: someone else's presses are still answered.
    const other = uniqueLogin("yul");
    const theirs = await dueConnection(other, "approve");
    expect(await asUser(theirs.userId, () => refreshNow(theirs))).toMatchObject({ status: "refreshed" });
  });
});
