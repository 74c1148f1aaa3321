/**
 * Reading accounts against the real Sandbox Bank (issue 14): the read after connect, the
 * 401 → one refresh → one retry path, invalid_grant during that refresh, bad answers that
 * leave stored accounts alone, timeouts, disconnect, no token in any artifact, and
 * concurrency (two reads cause one refresh; the row lock matters, so it counts on Postgres).
 */
import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { describe, expect, test } from "vitest";

import { accountsOverviewForUser, listAccountReadsForUser } from "@/lib/accounts/queries";
import { readAccounts } from "@/lib/accounts/read-accounts";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { databaseKind, getDb } from "@/lib/db/client";
import { accountReads, providerAccounts, providerConnections } from "@/lib/db/schema";
import type { Outcome } from "@/lib/providers/sandbox-bank/pages";
import { sandboxAccountsFor } from "@/lib/providers/sandbox-bank/sandbox-accounts";
import { openConnectionToken, sealConnectionToken } from "@/lib/providers/token-vault";
import { runWithRequestContext } from "@/lib/request-context";
import { findCredentialLeaks, collectEventArtifacts } from "@/test/support/credential-scan";
import { collectAccountArtifacts } from "@/test/support/credential-scan-accounts";
import { connectionRow } from "@/test/support/connection-rows";
import { withLogCapture } from "@/test/support/log-capture";
import { whileConnectionHeld } from "@/test/support/row-lock";
import { connectAtSandboxBank, uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const smtp = withSmtpCapture();
const bank = withSandboxBank();
const logs = withLogCapture({ level: "info" });

/** Connects `login` at the Sandbox Bank, then reads the accounts as the callback route does after its response. */
async function connect(login: string, outcome: Outcome = "approve") {
  const user = await createTestUser();
  const connectionId = await connectAtSandboxBank({ userId: user.id, login, outcome });
  await runWithRequestContext({ actor: { type: "user", userId: user.id } }, () => readAccounts({ userId: user.id, connectionId, trigger: "connect" }));
  return { userId: user.id, email: user.email, connectionId };
}

async function storedAccounts(connectionId: string) {
  const db = await getDb();
  return db.select().from(providerAccounts).where(eq(providerAccounts.connectionId, connectionId)).orderBy(providerAccounts.position);
}

async function reads(connectionId: string) {
  const db = await getDb();
  const rows = await db.select().from(accountReads).where(eq(accountReads.connectionId, connectionId)).orderBy(accountReads.startedAt);
  return rows.map((r) => [r.trigger, r.outcome, r.reason]);
}

/** Makes the bank refuse the stored access token (as after a server-side expiry) while the row thinks it is good. */
async function invalidateStoredAccessToken(connectionId: string) {
  const db = await getDb();
  await db
    .update(providerConnections)
    .set({ accessTokenEnc: sealConnectionToken(connectionId, "access_token", `stale-${connectionId}`) })
    .where(eq(providerConnections.id, connectionId));
}

/**
 * The credential scan over what a read left behind: the captured log lines (from the last
 * `logs.clear()`) and the connection's account rows, against its stored tokens in plaintext.
 */
async function expectNoTokenLeft(connectionId: string) {
  const row = await connectionRow(connectionId);
  const credentials = {
    accessToken: openConnectionToken(connectionId, "access_token", row.accessTokenEnc!),
    refreshToken: openConnectionToken(connectionId, "refresh_token", row.refreshTokenEnc!),
  };
  const artifacts = [...(await collectAccountArtifacts({ connectionIds: [connectionId] })), ...(await collectEventArtifacts({ logs: logs.raw }))];
  expect(artifacts.some((a) => a.source.startsWith("account_reads"))).toBe(true);
  expect(logs.raw.length).toBeGreaterThan(0);
  expect(findCredentialLeaks(artifacts, credentials)).toEqual([]);
}

const counts = async (login: string) => {
  const stats = await bank.control().stats();
  return {
    refreshes: stats.tokenRequests.byAccount[login]?.refreshToken ?? 0,
    accountsOk: stats.accountsRequests.byAccount[login]?.ok ?? 0,
    // A refused token names no login: count every 401 (the tests in this file run one at a time).
    unauthorized: stats.accountsRequests.unauthorized,
  };
};

/**
 * Runs `work` while another transaction holds the connection's row, so every read in `work`
 * reaches the refresh before any refresh can finish — "at once" for certain.
 */
const whileRowHeld = async <T>(connectionId: string, work: () => Promise<T>): Promise<T> => (await whileConnectionHeld(connectionId, work)).result;

describe("reading accounts", () => {
  test("the read after a connect stores masked numbers and balances, with the just-issued token", async () => {
    const login = uniqueLogin("ada");
    const { connectionId, userId } = await connect(login);
    const expected = sandboxAccountsFor(login).accounts.map((wrapped) => Object.values(wrapped)[0]!);
    const stored = await storedAccounts(connectionId);
    expect(stored.map((a) => [a.externalId, a.maskedNumber, Number(a.currentBalance), a.currency])).toEqual(
      expected.map((a) => [a.accountId, `…${a.accountNumberDisplay.slice(-4)}`, a.currentBalance, "USD"]),
    );
    expect(await reads(connectionId)).toEqual([["connect", "succeeded", null]]);
    expect(await counts(login)).toMatchObject({ refreshes: 0, accountsOk: 1 });
    expect((await listAccountReadsForUser({ userId }))[0]).toMatchObject({ outcome: "succeeded", accountCount: stored.length });
  });

  test("a 401 causes exactly one forced refresh and one retry, and no token lands in logs or rows", async () => {
    const login = uniqueLogin("bea");
    const { connectionId, userId } = await connect(login);
    await invalidateStoredAccessToken(connectionId);
    logs.clear();
    const before = await counts(login);

    const result = await readAccounts({ userId, connectionId, trigger: "manual" });
    expect(result).toMatchObject({ status: "succeeded" });
    expect(await counts(login)).toEqual({ refreshes: 1, accountsOk: 2, unauthorized: before.unauthorized + 1 });
    expect(await reads(connectionId)).toEqual([
      ["connect", "succeeded", null],
      ["manual", "succeeded", null],
    ]);

    const row = await connectionRow(connectionId);
    const credentials = {
      accessToken: openConnectionToken(connectionId, "access_token", row.accessTokenEnc!),
      refreshToken: openConnectionToken(connectionId, "refresh_token", row.refreshTokenEnc!),
      rejectedToken: `stale-${connectionId}`,
    };
    const artifacts = [...(await collectAccountArtifacts({ connectionIds: [connectionId] })), ...(await collectEventArtifacts({ logs: logs.raw }))];
    expect(artifacts.some((a) => a.source.startsWith("provider_accounts"))).toBe(true);
    expect(findCredentialLeaks(artifacts, credentials)).toEqual([]);
    // The read's log lines carry its correlation id.
    const [manual] = await listAccountReadsForUser({ userId, limit: 1 });
    expect(logs.lines.filter((l) => l.correlationId === manual!.correlationId).map((l) => l.msg)).toEqual([
      "accounts read started",
      "accounts read succeeded",
    ]);
  });

  test("invalid_grant during the 401 refresh: needs reconnect, one email, accounts kept until disconnect", async () => {
    const login = uniqueLogin("cleo");
    const { connectionId, userId, email } = await connect(login);
    const before = await storedAccounts(connectionId);
    await invalidateStoredAccessToken(connectionId);
    await bank.control().revokeAccount(login);

    const result = await readAccounts({ userId, connectionId, trigger: "manual" });
    expect(result).toMatchObject({ status: "failed", reason: "needs_reconnect" });
    expect(await connectionRow(connectionId)).toMatchObject({ status: "revoked", statusReason: "provider_revoked" });
    await expect
      .poll(() => smtp.capture().messages.filter((m) => m.to.includes(email)).map((m) => m.subject))
      .toEqual(["Sandbox Bank connected", "Reconnect Sandbox Bank"]);
    expect(await counts(login)).toMatchObject({ refreshes: 1 });
    expect(await storedAccounts(connectionId)).toEqual(before);
  });

  test.each([
    ["not_json", "not_json"],
    ["missing_fields", "malformed"],
    ["string_balances", "malformed"],
    ["too_many", "too_many_accounts"],
    ["error", "provider_error"],
    ["rate_limited", "rate_limited"],
  ] as const)("an accounts API answering %s is refused (%s), logged without a token, and the stored accounts stay", async (mode, reason) => {
    const login = uniqueLogin(`dan-${mode.replace("_", "")}`);
    const { connectionId, userId } = await connect(login);
    const before = await storedAccounts(connectionId);
    expect(before.length).toBeGreaterThan(0);
    await bank.control().setAccount(login, { tokenEndpoint: "ok", accountsApi: mode });
    logs.clear();

    const result = await readAccounts({ userId, connectionId, trigger: "manual" });
    expect(result).toMatchObject({ status: "failed", reason });
    expect(await storedAccounts(connectionId)).toEqual(before);
    expect((await reads(connectionId)).at(-1)).toEqual(["manual", "failed", reason]);
    expect(logs.lines.find((l) => l.msg === "accounts read failed")).toMatchObject({ reason, connectionId });
    await expectNoTokenLeft(connectionId);
  });

  test("a slow accounts API times out, and the failure's log line keeps the request's and the read's ids and no token", async () => {
    const login = uniqueLogin("eve");
    const { connectionId, userId } = await connect(login);
    await bank.control().setAccount(login, { tokenEndpoint: "ok", accountsApi: "slow" });
    logs.clear();
    const started = Date.now();
    // As the Refresh accounts action runs it: inside the request's context.
    const requestId = randomUUID();
    const result = await runWithRequestContext({ requestId, actor: { type: "user", userId } }, () =>
      readAccounts({ userId, connectionId, trigger: "manual", timeoutMs: 300 }),
    );
    expect(result).toMatchObject({ status: "failed", reason: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    const [read] = (await reads(connectionId)).slice(-1);
    expect(read).toEqual(["manual", "failed", "timeout"]);
    const startedLine = logs.lines.find((l) => l.msg === "accounts read started" && l.connectionId === connectionId);
    const failed = logs.lines.find((l) => l.msg === "accounts read failed" && l.connectionId === connectionId);
    expect(startedLine).toMatchObject({ requestId, correlationId: expect.any(String) });
    expect(failed).toMatchObject({ requestId, correlationId: startedLine!.correlationId, reason: "timeout" });
    await expectNoTokenLeft(connectionId);
  });

  test("someone else's connection is not read", async () => {
    const { connectionId } = await connect(uniqueLogin("fay"));
    const stranger = await createTestUser();
    expect(await readAccounts({ userId: stranger.id, connectionId, trigger: "manual" })).toEqual({ status: "skipped", why: "not_active" });
  });

  test("disconnect deletes the accounts", async () => {
    const { connectionId, userId } = await connect(uniqueLogin("gus"));
    expect((await storedAccounts(connectionId)).length).toBeGreaterThan(0);
    expect(await disconnectConnection({ userId, connectionId })).toMatchObject({ ok: true });
    expect(await storedAccounts(connectionId)).toEqual([]);
  });

  // Needs real row locks and a second connection: Postgres only (PGlite has one connection).
  const onPostgres = test.skipIf(!process.env.DATABASE_URL);

  onPostgres("two reads at once with a due token cause one refresh", async () => {
    expect(await databaseKind()).toBe("postgres");
    const login = uniqueLogin("hal");
    const { connectionId, userId } = await connect(login, "short_lived"); // 60 s tokens: always due
    const before = await counts(login);
    const results = await whileRowHeld(connectionId, () =>
      Promise.all([1, 2].map(() => readAccounts({ userId, connectionId, trigger: "manual" }))),
    );
    expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect((await counts(login)).refreshes - before.refreshes).toBe(1);
  });

  onPostgres("two reads at once that both get a 401 cause one refresh", async () => {
    const login = uniqueLogin("ivy");
    const { connectionId, userId } = await connect(login);
    await invalidateStoredAccessToken(connectionId);
    const before = await counts(login);
    const results = await whileRowHeld(connectionId, () =>
      Promise.all([1, 2].map(() => readAccounts({ userId, connectionId, trigger: "manual" }))),
    );
    expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(await counts(login)).toMatchObject({ refreshes: 1, unauthorized: before.unauthorized + 2 });
    expect((await connectionRow(connectionId)).status).toBe("active");
  });

  onPostgres("the card's data is one snapshot: a read that commits while it is fetched is seen whole or not at all", async () => {
    const { connectionId, userId } = await connect(uniqueLogin("jay"));
    const db = await getDb();
    const stored = await storedAccounts(connectionId);
    // As while a first read runs: no accounts yet, the read still running.
    await db.delete(providerAccounts).where(eq(providerAccounts.connectionId, connectionId));
    await db.update(accountReads).set({ outcome: "running", accountCount: null, finishedAt: null }).where(eq(accountReads.connectionId, connectionId));

    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // The read finishing: it holds account_reads (so the overview waits there, after reading the
    // accounts), stores the accounts and marks the read succeeded, then commits.
    const read = db.transaction(async (tx) => {
      await tx.execute(sql`lock table account_reads in access exclusive mode`);
      locked();
      await committing;
      await tx.insert(providerAccounts).values(stored);
      await tx.update(accountReads).set({ outcome: "succeeded", accountCount: stored.length, finishedAt: new Date() }).where(eq(accountReads.connectionId, connectionId));
    });
    await isLocked;
    const overview = accountsOverviewForUser({ userId });
    await expect
      .poll(async () => {
        const rows = await db.execute(sql`select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'account_reads' and not l.granted`);
        return (rows as unknown as { rows?: { n: number }[] }).rows?.[0]?.n ?? (rows as unknown as { n: number }[])[0]?.n;
      })
      .toBeGreaterThan(0);
    commit();
    await read;
    const seen = await overview;
    const accounts = seen.accounts.get(connectionId) ?? [];
    const outcome = seen.latestReads.get(connectionId)?.outcome;
    // Never "succeeded" beside the accounts from before the read (none: "reported no accounts").
    expect([outcome, accounts.length]).toEqual(outcome === "succeeded" ? ["succeeded", stored.length] : ["running", 0]);
    expect(outcome).toBe("running");
  });
});
