/**
 * Crash tests through the real use-cases (issue 11 item 7, issue 12 item 2): a test-only crash
 * point (lib/crash-point.ts) stops `completeConnect`, `disconnectConnection` and
 * `refreshConnection` dead at chosen points, as a SIGKILL would. Then the recovery pass and the
 * sweep must leave every run with its outcome, every audit row and every email exactly once,
 * and no grant the bank issued alive without a row that holds it.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, test } from "vitest";

import { closeAbandonedConnects } from "@/lib/connections/close-abandoned-connects";
import { completeConnect } from "@/lib/connections/complete-connect";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { hashState, keepPendingGrant, OAUTH_STATE_TTL_SECONDS, saveOAuthState } from "@/lib/connections/oauth-state";
import { refreshConnection } from "@/lib/connections/refresh-connection";
import { startConnect } from "@/lib/connections/start-connect";
import { crashAt, type CrashPointName } from "@/lib/crash-point";
import { getDb } from "@/lib/db/client";
import { auditLogs, eventOutbox, oauthStates, providerConnections } from "@/lib/db/schema";
import { recoverEvents } from "@/lib/events/recover-events";
import { findProvider } from "@/lib/providers/find-provider";
import { refreshAccessToken } from "@/lib/providers/oauth-client";
import { authorizeInSandboxBank } from "@/lib/providers/sandbox-bank/consent-driver";
import { openPendingGrant } from "@/lib/providers/token-vault";
import { runWithRequestContext } from "@/lib/request-context";
import { connectionRow } from "@/test/support/connection-rows";
import { withLogCapture } from "@/test/support/log-capture";
import { whileLocked } from "@/test/support/row-lock";
import { uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const smtp = withSmtpCapture();
const logs = withLogCapture();
let undoCrash: (() => void) | undefined;

afterEach(() => {
  undoCrash?.();
  undoCrash = undefined;
});
const bank = withSandboxBank();

const asUser = <T>(userId: string, fn: () => Promise<T>) =>
  runWithRequestContext({ actor: { type: "user", userId }, ipAddress: "203.0.113.7", userAgent: "crash-test" }, fn);
const ELEVEN_MINUTES = 11 * 60_000;

/** Start → consent at the bank → the callback URL (not yet called). */
async function startAndConsent(userId: string, username: string) {
  const { authorizationUrl, correlationId } = await asUser(userId, () => startConnect({ userId, providerSlug: "sandbox-bank" }));
  const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username });
  const [row] = await (await getDb()).select().from(providerConnections).where(eq(providerConnections.userId, userId));
  return { callbackUrl, correlationId, connectionId: row!.id, stateHash: hashState(callbackUrl.searchParams.get("state")!) };
}

/** The run's audit actions, in occurrence order (recovery may append events of one instant in any order). */
async function auditActions(correlationId: string): Promise<string[]> {
  const rows = await (await getDb()).select().from(auditLogs).where(eq(auditLogs.correlationId, correlationId)).orderBy(auditLogs.seq);
  const rank = (action: string) => (action.endsWith("_attempted") ? 0 : 1);
  return rows.map((r) => r.action).sort((a, b) => rank(a) - rank(b));
}

async function outboxTypes(correlationId: string): Promise<string[]> {
  const rows = await (await getDb())
    .select({ type: eventOutbox.type })
    .from(eventOutbox)
    .where(sql`${eventOutbox.payload}->>'correlationId' = ${correlationId}`);
  return rows.map((r) => r.type).sort();
}

/** Messages the capture received for one run (the barrier: every send of the pass has returned). */
const emailsFor = (correlationId: string) => smtp.capture().messages.filter((m) => m.headers["x-ledgerlink-correlation-id"] === correlationId);

/** Two passes: the first finishes the work, the second must find nothing more to send or audit. */
async function recoverTwice(correlationId: string) {
  await recoverEvents({ olderThanMs: 0 });
  const after1 = { audit: await auditActions(correlationId), emails: emailsFor(correlationId).length };
  await recoverEvents({ olderThanMs: 0 });
  const after2 = { audit: await auditActions(correlationId), emails: emailsFor(correlationId).length };
  expect(after2).toEqual(after1);
  return after2;
}

describe("a callback that dies before its outcome is closed by the sweep", () => {
  const points: CrashPointName[] = ["connect:after-claim", "connect:after-exchange", "connect:after-grant-kept"];
  test.each(points)("crash at %s: the row ends failed, the run gets its outcome once, a kept grant is revoked", async (point) => {
    const user = await createTestUser();
    const flow = await startAndConsent(user.id, uniqueLogin("crash"));
    undoCrash = crashAt(point);
    await expect(asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: flow.callbackUrl }))).rejects.toThrow(
      /simulated crash/,
    );
    expect((await connectionRow(flow.connectionId)).status).toBe("pending");
    const [state] = await (await getDb()).select().from(oauthStates).where(eq(oauthStates.stateHash, flow.stateHash));
    expect(state?.claimedAt).toBeInstanceOf(Date);
    const kept = state?.grantEnc ? openPendingGrant(flow.stateHash, state.grantEnc) : null;
    expect(kept !== null).toBe(point === "connect:after-grant-kept");

    // Not yet expired: the sweep leaves a callback that may still be running alone.
    await closeAbandonedConnects(new Date());
    expect((await connectionRow(flow.connectionId)).status).toBe("pending");

    await closeAbandonedConnects(new Date(Date.now() + ELEVEN_MINUTES));
    // Claimed and never finished: the callback died, which is not the user's doing.
    expect(await connectionRow(flow.connectionId)).toMatchObject({ status: "failed", statusReason: "provider_unavailable" });
    expect(await auditActions(flow.correlationId)).toEqual(["provider_connection_attempted", "provider_connection_failed"]);
    expect(await outboxTypes(flow.correlationId)).toEqual(["ProviderConnectionAttempted", "ProviderConnectionFailed"]);
    const closedAgain = await closeAbandonedConnects(new Date(Date.now() + ELEVEN_MINUTES));
    expect(await auditActions(flow.correlationId)).toHaveLength(2);
    expect(closedAgain).toBe(0);

    if (kept) {
      // The grant the dead callback obtained was revoked at the bank: its refresh token is dead.
      const refused = await refreshAccessToken(findProvider("sandbox-bank")!, kept.token).then(
        () => "still live",
        (error: { code?: string }) => error.code,
      );
      expect(["provider_revoked", "refresh_token_expired"]).toContain(refused);
      const line = logs.lines.find((l) => l.connectionId === flow.connectionId && l.msg === "abandoned connect: the grant its callback obtained was revoked");
      expect(line?.revocation).toBe("revoked");
    }
  });

  test.each(["events:after-commit", "events:after-audit-handler"] as const)(
    "crash at %s of the activation: recovery delivers each audit row and the email exactly once",
    async (point) => {
      const user = await createTestUser();
      const flow = await startAndConsent(user.id, uniqueLogin("crash"));
      undoCrash = crashAt(point);
      await expect(
        asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: flow.callbackUrl })),
      ).rejects.toThrow(/simulated crash/);
      expect((await connectionRow(flow.connectionId)).status).toBe("active");
      expect(emailsFor(flow.correlationId)).toHaveLength(0);

      const after = await recoverTwice(flow.correlationId);
      expect(after).toEqual({ audit: ["provider_connection_attempted", "provider_connected"], emails: 1 });
    },
  );
});

describe("disconnect and refresh killed after the commit or between handlers", () => {
  async function activeConnection(username: string) {
    const user = await createTestUser();
    const flow = await startAndConsent(user.id, username);
    const result = await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: flow.callbackUrl }));
    expect(result.ok).toBe(true);
    return { user, connectionId: flow.connectionId };
  }

  // The disconnect's Attempted event is dispatched first (1st audit handler run), its Succeeded second.
  test.each([
    ["events:after-commit", 1],
    ["events:after-audit-handler", 2],
  ] as const)("disconnect, crash at %s: one audit row per event, one email", async (point, nth) => {
    const { user, connectionId } = await activeConnection(uniqueLogin("disc"));
    undoCrash = crashAt(point, { nth });
    await expect(asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId }))).rejects.toThrow(/simulated crash/);
    expect((await connectionRow(connectionId)).status).toBe("disconnected");
    const [attempted] = await (await getDb())
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, "provider_disconnection_attempted"), eq(auditLogs.connectionId, connectionId)));
    const correlationId = attempted!.correlationId!;

    const after = await recoverTwice(correlationId);
    expect(after).toEqual({ audit: ["provider_disconnection_attempted", "provider_disconnected"], emails: 1 });
  });

  // A revoked grant: the refresh fails and the user must act, so its Failed event sends an email.
  test.each([
    ["events:after-commit", 1],
    ["events:after-audit-handler", 2],
  ] as const)("refresh, crash at %s: one audit row per event, one email", async (point, nth) => {
    const username = uniqueLogin("refr");
    const { connectionId } = await activeConnection(username);
    await bank.control().revokeAccount(username);
    undoCrash = crashAt(point, { nth });
    await expect(refreshConnection({ connectionId, lock: "wait", force: true })).rejects.toThrow(/simulated crash/);
    expect((await connectionRow(connectionId)).status).toBe("revoked");
    const [attempted] = await (await getDb())
      .select({ correlationId: sql<string>`${eventOutbox.payload}->>'correlationId'` })
      .from(eventOutbox)
      .where(and(eq(eventOutbox.type, "ProviderTokenRefreshAttempted"), sql`${eventOutbox.payload}->>'connectionId' = ${connectionId}`));
    const correlationId = attempted!.correlationId;

    const after = await recoverTwice(correlationId);
    expect(after).toEqual({ audit: ["provider_token_refresh_attempted", "provider_token_refresh_failed"], emails: 1 });
  });
});

describe("someone else's state, a disconnect in flight, a stale pending row", () => {
  test("a callback with another user's state leaves that state alone: the owner's flow completes on its own run", async () => {
    const victim = await createTestUser();
    const attacker = await createTestUser();
    const flow = await startAndConsent(victim.id, uniqueLogin("victim"));

    const stolen = await asUser(attacker.id, () => completeConnect({ userId: attacker.id, providerSlug: "sandbox-bank", callbackUrl: flow.callbackUrl }));
    expect(stolen).toMatchObject({ ok: false, reason: "invalid_state" });
    const [state] = await (await getDb()).select().from(oauthStates).where(eq(oauthStates.stateHash, flow.stateHash));
    expect(state?.claimedAt).toBeNull();
    // The attacker's failure is not on the victim's run.
    expect(await auditActions(flow.correlationId)).toEqual(["provider_connection_attempted"]);

    const own = await asUser(victim.id, () => completeConnect({ userId: victim.id, providerSlug: "sandbox-bank", callbackUrl: flow.callbackUrl }));
    expect(own).toMatchObject({ ok: true, connectionId: flow.connectionId });
    expect(await auditActions(flow.correlationId)).toEqual(["provider_connection_attempted", "provider_connected"]);
  });

  test("a connection disconnected while its flow was at the bank: the tokens just received are revoked, the run gets an outcome", async () => {
    const user = await createTestUser();
    const username = uniqueLogin("inflight");
    const flow = await startAndConsent(user.id, username);
    const disconnected = await asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId: flow.connectionId }));
    expect(disconnected.ok).toBe(true);

    const result = await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: flow.callbackUrl }));
    expect(result).toMatchObject({ ok: false, reason: "invalid_state" });
    expect((await connectionRow(flow.connectionId)).status).toBe("disconnected");
    expect(await auditActions(flow.correlationId)).toEqual(["provider_connection_attempted", "provider_connection_failed"]);
    const revokedLine = logs.lines.find((l) => l.connectionId === flow.connectionId && l.msg === "callback's grant not stored; revoked at the provider");
    expect(revokedLine?.revocation).toBe("revoked");
    // The bank saw the revocation of this login's grant.
    expect((await bank.control().stats()).revocations.filter((r) => r.login === username)).toHaveLength(1);
  });

  test("a pending row past the state's lifetime with no state left is failed by the sweep, with an outcome event", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const id = crypto.randomUUID();
    const old = new Date(Date.now() - 30 * 60_000);
    await db.insert(providerConnections).values({ id, userId: user.id, providerSlug: "sandbox-bank", alias: "orphan", status: "pending", createdAt: old, updatedAt: old });
    await closeAbandonedConnects(new Date());
    expect((await connectionRow(id)).status).toBe("failed");
    const failed = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.userId, user.id), eq(auditLogs.action, "provider_connection_failed")));
    expect(failed).toHaveLength(1);
  });
});

describe("the sweep of abandoned connect flows", () => {
  const later = () => new Date(Date.now() + ELEVEN_MINUTES);
  const REVOKED_LINE = "abandoned connect: the grant its callback obtained was revoked";
  /** Every flow earlier tests left behind is closed first, so the counts below are this test's own. */
  const drain = () => closeAbandonedConnects(later(), 10_000);
  const failedRows = async (userId: string) =>
    (await getDb()).select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, "provider_connection_failed")));

  test("a flow that never came back (the tab was closed) ends user_cancelled on its own run; the sweep counts what it closed and holds to its limit", async () => {
    await drain();
    const user = await createTestUser();
    const flows = [await startAndConsent(user.id, uniqueLogin("gone")), await startAndConsent(user.id, uniqueLogin("gone"))];

    logs.clear();
    const passAt = later();

    expect(await closeAbandonedConnects(new Date())).toBe(0); // still within their lifetime
    expect(await closeAbandonedConnects(passAt, 1)).toBe(1);
    expect(await closeAbandonedConnects(passAt, 1)).toBe(1);
    expect(await closeAbandonedConnects(passAt, 1)).toBe(0);

    for (const flow of flows) {
      expect(await connectionRow(flow.connectionId)).toMatchObject({ status: "failed", statusReason: "user_cancelled" });
      expect(await auditActions(flow.correlationId)).toEqual(["provider_connection_attempted", "provider_connection_failed"]);
    }
    const outcomes = await failedRows(user.id);
    expect(outcomes.map((r) => [r.reason, r.occurredAt])).toEqual([
      ["user_cancelled", passAt],
      ["user_cancelled", passAt],
    ]);
    // No grant was obtained, so nothing was revoked.
    expect(logs.lines.filter((l) => l.msg === REVOKED_LINE)).toEqual([]);
  });

  test("a grant kept for a provider no longer configured cannot be revoked: the sweep says so and still closes the flow", async () => {
    await drain();
    const user = await createTestUser();
    const db = await getDb();
    const state = `state-${crypto.randomUUID()}`;
    const connectionId = crypto.randomUUID();
    await saveOAuthState(db, {
      state,
      codeVerifier: "verifier",
      userId: user.id,
      providerSlug: "closed-bank",
      connectionId,
      alias: "closed",
      correlationId: crypto.randomUUID(),
    });
    await keepPendingGrant(db, hashState(state), { field: "refresh_token", token: "grant-of-a-closed-bank" });
    logs.clear();

    expect(await closeAbandonedConnects(later())).toBe(1);
    expect(logs.lines.filter((l) => l.msg === REVOKED_LINE)).toEqual([expect.objectContaining({ connectionId, revocation: "unsupported" })]);
    expect(await db.select().from(oauthStates).where(eq(oauthStates.connectionId, connectionId))).toEqual([]);
  });

  test("a pending row is an orphan only while pending, with no state, and strictly past the state's lifetime", async () => {
    await drain();
    const db = await getDb();
    const now = new Date(Date.now() - 60_000); // a pass dated a minute ago: its events carry that time, not the clock's
    const cutoff = new Date(now.getTime() - OAUTH_STATE_TTL_SECONDS * 1000);
    const row = async (label: string, status: "pending" | "failed", updatedAt: Date) => {
      const user = await createTestUser();
      const id = crypto.randomUUID();
      await db.insert(providerConnections).values({ id, userId: user.id, providerSlug: "sandbox-bank", alias: label, status, createdAt: updatedAt, updatedAt });
      return { userId: user.id, id };
    };
    const orphan = await row("orphan", "pending", new Date(cutoff.getTime() - 1));
    const onTheCutoff = await row("on the cutoff", "pending", cutoff);
    const notPending = await row("failed long ago", "failed", new Date(cutoff.getTime() - 60_000));
    const withState = await row("its state lives", "pending", new Date(cutoff.getTime() - 60_000));
    await saveOAuthState(db, {
      state: `state-${crypto.randomUUID()}`,
      codeVerifier: "verifier",
      userId: withState.userId,
      providerSlug: "sandbox-bank",
      connectionId: withState.id,
      alias: "its state lives",
      correlationId: crypto.randomUUID(),
      now,
    });

    expect(await closeAbandonedConnects(now)).toBe(1);

    expect(await connectionRow(orphan.id)).toMatchObject({ status: "failed", statusReason: "user_cancelled" });
    const [outcome] = await failedRows(orphan.userId);
    expect(outcome).toMatchObject({ reason: "user_cancelled", connectionId: null, occurredAt: now });
    expect(outcome!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    for (const kept of [onTheCutoff, withState]) expect((await connectionRow(kept.id)).status).toBe("pending");
    for (const left of [onTheCutoff, notPending, withState]) expect(await failedRows(left.userId)).toEqual([]);
    await db.delete(oauthStates).where(eq(oauthStates.connectionId, withState.id));
  });

  // Row locks need a second connection: PostgreSQL only (PGlite runs one transaction at a time).
  test.skipIf(!process.env.DATABASE_URL)("rows another pass holds are skipped, not waited for: an expired state, and an orphaned pending row", async () => {
    await drain();
    const user = await createTestUser();
    const flow = await startAndConsent(user.id, uniqueLogin("held"));
    const stateHeld = await whileLocked(sql`select 1 from oauth_states where state_hash = ${flow.stateHash} for update`, () => closeAbandonedConnects(later()), {
      holdMs: 5_000,
    });
    expect(stateHeld).toEqual({ result: 0, finishedWhileHeld: true });
    expect((await connectionRow(flow.connectionId)).status).toBe("pending");
    expect(await closeAbandonedConnects(later())).toBe(1); // let go, it is closed

    const db = await getDb();
    const id = crypto.randomUUID();
    const old = new Date(Date.now() - 30 * 60_000);
    await db.insert(providerConnections).values({ id, userId: user.id, providerSlug: "sandbox-bank", alias: "held orphan", status: "pending", createdAt: old, updatedAt: old });
    const rowHeld = await whileLocked(sql`select 1 from provider_connections where id = ${id} for update`, () => closeAbandonedConnects(new Date()), { holdMs: 5_000 });
    expect(rowHeld).toEqual({ result: 0, finishedWhileHeld: true });
    expect((await connectionRow(id)).status).toBe("pending");
    expect(await closeAbandonedConnects(new Date())).toBe(1);
  });
});
