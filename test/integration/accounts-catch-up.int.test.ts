/**
 * The first accounts read after a connect is outbox-safe: the callback route reads after its
 * response, and a read that never ran (the process died after the commit) or failed for a
 * passing reason is caught up by the sweep — once, spaced by ACCOUNTS_CATCH_UP_RETRY_POLICY.
 * A crash is simulated by activating a connection without the read the route would start.
 * The sweep is driven through its entry point (runSweep) with a `now` moved forward.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";

import { readAccounts } from "@/lib/accounts/read-accounts";
import { getDb } from "@/lib/db/client";
import { accountReads, providerAccounts, providerConnections } from "@/lib/db/schema";
import { backoffDelayMs, ACCOUNTS_CATCH_UP_RETRY_POLICY } from "@/lib/retry-policy";
import { runSweep } from "@/lib/sweep/run-sweep";
import { connectionRow } from "@/test/support/connection-rows";
import { connectAtSandboxBank, uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

withSmtpCapture();
const bank = withSandboxBank();

const SECOND = 1000;
/** The wait after `tries` tries, as the catch-up applies it (no jitter). */
const waitAfter = (tries: number) => backoffDelayMs(ACCOUNTS_CATCH_UP_RETRY_POLICY, tries, () => 0);

beforeAll(async () => {
  // The database is shared by every file, one after another: connections that earlier files
  // left active (and never read, the route's after() not being there) belong to an earlier
  // Sandbox Bank. Set them aside so the sweep here only sees this file's connections.
  const db = await getDb();
  await db.update(providerConnections).set({ status: "expired" }).where(eq(providerConnections.status, "active"));
});

/** Connects `login` and stops there: the commit happened, the read after the response never ran. */
async function connectWithoutRead(login: string) {
  const user = await createTestUser();
  const connectionId = await connectAtSandboxBank({ userId: user.id, login });
  return { userId: user.id, connectionId, connectedAt: (await connectionRow(connectionId)).connectedAt! };
}

async function reads(connectionId: string) {
  const db = await getDb();
  return db.select().from(accountReads).where(eq(accountReads.connectionId, connectionId)).orderBy(accountReads.startedAt);
}

const readSummary = async (connectionId: string) => (await reads(connectionId)).map((r) => [r.trigger, r.outcome, r.reason]);

async function storedAccountCount(connectionId: string) {
  const db = await getDb();
  return (await db.select().from(providerAccounts).where(eq(providerAccounts.connectionId, connectionId))).length;
}

const sweepAt = (at: number) => runSweep({ now: new Date(at), recover: false });
const lastStart = async (connectionId: string) => (await reads(connectionId)).at(-1)!.startedAt.getTime();

describe("the first accounts read, caught up by the sweep", () => {
  test("a connection whose read after the response never ran is read by the sweep, exactly once", async () => {
    const login = uniqueLogin("nora");
    const { connectionId, connectedAt } = await connectWithoutRead(login);
    expect(await readSummary(connectionId)).toEqual([]);

    // Within the first wait the read after the response may still be running: leave it be.
    await sweepAt(connectedAt.getTime() + waitAfter(1) - 5 * SECOND);
    expect(await readSummary(connectionId)).toEqual([]);

    const summary = await sweepAt(connectedAt.getTime() + waitAfter(1) + SECOND);
    expect(summary.accountsCatchUp).toEqual({ read: 1, failed: 0 });
    expect(await readSummary(connectionId)).toEqual([["connect", "succeeded", null]]);
    expect(await storedAccountCount(connectionId)).toBeGreaterThan(0);
    expect((await bank.control().stats()).accountsRequests.byAccount[login]?.ok).toBe(1);

    // Later sweeps leave it alone: the read happened.
    await sweepAt(connectedAt.getTime() + 10 * waitAfter(1));
    await sweepAt(Date.now() + 3 * 3600 * SECOND);
    expect(await readSummary(connectionId)).toEqual([["connect", "succeeded", null]]);
    expect((await bank.control().stats()).accountsRequests.byAccount[login]?.ok).toBe(1);
  });

  test("a connection whose read after the response ran is not read again", async () => {
    const login = uniqueLogin("otto");
    const { connectionId, userId, connectedAt } = await connectWithoutRead(login);
    expect(await readAccounts({ userId, connectionId, trigger: "connect" })).toMatchObject({ status: "succeeded" });

    const summary = await sweepAt(connectedAt.getTime() + 10 * waitAfter(1));
    expect(summary.accountsCatchUp).toEqual({ read: 0, failed: 0 });
    expect(await readSummary(connectionId)).toEqual([["connect", "succeeded", null]]);
  });

  test("a passing failure is retried only after its wait, which doubles; a lasting one is not retried", async () => {
    const login = uniqueLogin("pia");
    const { connectionId, connectedAt } = await connectWithoutRead(login);
    await bank.control().setAccount(login, { tokenEndpoint: "ok", accountsApi: "error" });

    await sweepAt(connectedAt.getTime() + waitAfter(1) + SECOND);
    expect(await readSummary(connectionId)).toEqual([["connect", "failed", "provider_error"]]);

    // One try made: the next waits waitAfter(1) from its start.
    let started = await lastStart(connectionId);
    await sweepAt(started + waitAfter(1) - 5 * SECOND);
    expect(await reads(connectionId)).toHaveLength(1);
    await sweepAt(started + waitAfter(1) + SECOND);
    expect(await readSummary(connectionId)).toEqual([
      ["connect", "failed", "provider_error"],
      ["connect", "failed", "provider_error"],
    ]);

    // Two tries made: twice the wait.
    started = await lastStart(connectionId);
    expect(waitAfter(2)).toBe(2 * waitAfter(1));
    await bank.control().setAccount(login, { tokenEndpoint: "ok", accountsApi: "ok" });
    await sweepAt(started + waitAfter(2) - 5 * SECOND);
    expect(await reads(connectionId)).toHaveLength(2);
    await sweepAt(started + waitAfter(2) + SECOND);
    expect((await readSummary(connectionId)).at(-1)).toEqual(["connect", "succeeded", null]);
    expect(await storedAccountCount(connectionId)).toBeGreaterThan(0);

    // A failure that retrying cannot fix (bad data) ends the catch-up.
    const other = uniqueLogin("quin");
    const malformed = await connectWithoutRead(other);
    await bank.control().setAccount(other, { tokenEndpoint: "ok", accountsApi: "missing_fields" });
    await sweepAt(malformed.connectedAt.getTime() + waitAfter(1) + SECOND);
    await sweepAt(Date.now() + 3 * 3600 * SECOND);
    expect(await readSummary(malformed.connectionId)).toEqual([["connect", "failed", "malformed"]]);
  });
});
