/**
 * Connect and disconnect end to end below the browser: the real use-cases, the real
 * Sandbox Bank over HTTP, the real event pipeline (outbox, audit, email over SMTP).
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, test } from "vitest";

import { completeConnect } from "@/lib/connections/complete-connect";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { hashState } from "@/lib/connections/oauth-state";
import { startConnect } from "@/lib/connections/start-connect";
import { getDb, queryRows } from "@/lib/db/client";
import { auditLogs, oauthStates, providerConnections } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import type { Outcome } from "@/lib/providers/sandbox-bank/pages";
import { authorizeInSandboxBank } from "@/lib/providers/sandbox-bank/consent-driver";
import { openCodeVerifier, openConnectionToken, sealConnectionToken } from "@/lib/providers/token-vault";
import { runWithRequestContext } from "@/lib/request-context";
import { collectEventArtifacts, findCredentialLeaks } from "@/test/support/credential-scan";
import { connectionRow } from "@/test/support/connection-rows";
import { withLogCapture } from "@/test/support/log-capture";
import { uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

// A second provider, configured from the environment alone (read once, on first use: set before
// any hook runs), so a reconnect can name the wrong one. Nothing here ever reaches its endpoints.
Object.assign(process.env, {
  PROVIDER_OTHER_BANK_NAME: "Other Bank",
  PROVIDER_OTHER_BANK_AUTHORIZATION_URL: "http://127.0.0.1:9/auth",
  PROVIDER_OTHER_BANK_TOKEN_URL: "http://127.0.0.1:9/token",
  PROVIDER_OTHER_BANK_CLIENT_ID: "other-client",
  PROVIDER_OTHER_BANK_CLIENT_SECRET: "other-secret-value",
  // And one whose discovery finds nobody at its issuer (a closed port).
  PROVIDER_DOWN_BANK_NAME: "Down Bank",
  PROVIDER_DOWN_BANK_ISSUER: "http://127.0.0.1:9",
  PROVIDER_DOWN_BANK_CLIENT_ID: "down-client",
  PROVIDER_DOWN_BANK_CLIENT_SECRET: "down-secret-value",
});
afterAll(() => {
  for (const name of Object.keys(process.env)) if (/^PROVIDER_(OTHER|DOWN)_BANK_/.test(name)) delete process.env[name];
});

const smtp = withSmtpCapture();
const logs = withLogCapture();
const bank = withSandboxBank();

const asUser = <T>(userId: string, fn: () => Promise<T>) =>
  runWithRequestContext({ actor: { type: "user", userId }, ipAddress: "203.0.113.7", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156" }, fn);

/** Start → consent at the bank (as `login`, choosing `outcome`) → callback. */
async function connect(userId: string, { login = "alice", outcome = "approve" as Outcome, action = "continue" as "continue" | "deny", connectionId }: { login?: string; outcome?: Outcome; action?: "continue" | "deny"; connectionId?: string } = {}) {
  const { authorizationUrl, correlationId } = await asUser(userId, () => startConnect({ userId, providerSlug: "sandbox-bank", connectionId }));
  const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login, outcome, action });
  const result = await asUser(userId, () => completeConnect({ userId, providerSlug: "sandbox-bank", callbackUrl }));
  return { result, callbackUrl, correlationId };
}

async function auditFor(correlationId: string) {
  const db = await getDb();
  return db.select().from(auditLogs).where(eq(auditLogs.correlationId, correlationId)).orderBy(auditLogs.seq);
}



describe("connect", () => {
  test("approve: the connection is active, tokens sealed, two audit rows, one email, and no credential anywhere", async () => {
    const user = await createTestUser();
    const login = uniqueLogin("alice");
    // Read the PKCE verifier before the callback consumes the state, to scan for it afterwards.
    const { authorizationUrl, correlationId } = await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank" }));
    const state = new URL(authorizationUrl).searchParams.get("state")!;
    const db = await getDb();
    const [stateRow] = await db.select().from(oauthStates).where(eq(oauthStates.stateHash, hashState(state)));
    const verifier = openCodeVerifier(stateRow!.stateHash, stateRow!.codeVerifierEnc);
    expect(JSON.stringify(stateRow)).not.toContain(verifier);

    const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login });
    const result = await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl }));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;

    const row = await connectionRow(result.connectionId);
    expect(row).toMatchObject({ status: "active", userId: user.id, providerSlug: "sandbox-bank", alias: "Sandbox Bank" });
    expect(row.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    const accessToken = openConnectionToken(row.id, "access_token", row.accessTokenEnc!);
    const refreshToken = openConnectionToken(row.id, "refresh_token", row.refreshTokenEnc!);

    // The stored tokens never appear in plain text anywhere in the database.
    const dump = await queryRows<{ dump: string }>(db, sql`select string_agg(t::text, ' ') as dump from provider_connections t`);
    expect(dump[0]!.dump).not.toContain(accessToken);
    expect(dump[0]!.dump).not.toContain(refreshToken);

    const audit = await auditFor(correlationId);
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["provider_connection_attempted", "attempted"],
      ["provider_connected", "succeeded"],
    ]);
    expect(audit[1]).toMatchObject({ userId: user.id, connectionId: row.id, ipAddress: "203.0.113.7", actorType: "user" });

    await expect.poll(() => smtp.capture().messages.filter((m) => m.to.includes(user.email)).length).toBe(1);
    const [email] = smtp.capture().messages.filter((m) => m.to.includes(user.email));
    expect(email!.subject).toBe("Sandbox Bank connected");
    expect(email!.text).toContain("/activity");

    const code = callbackUrl.searchParams.get("code")!;
    const leaks = findCredentialLeaks(await collectEventArtifacts({ correlationIds: [correlationId], logs: logs.raw, emails: smtp.capture().messages }), {
      accessToken,
      refreshToken,
      code,
      verifier,
      clientSecret: getEnv().sandboxBankClient!.clientSecret,
    });
    expect(leaks).toEqual([]);
  });

  test.each([
    { name: "deny consent", outcome: "approve" as Outcome, action: "deny" as const, reason: "user_cancelled" },
    { name: "token endpoint error", outcome: "token_error" as Outcome, action: "continue" as const, reason: "oauth_error" },
    { name: "client credentials refused", outcome: "invalid_client" as Outcome, action: "continue" as const, reason: "invalid_credentials" },
    { name: "bank unavailable", outcome: "unavailable" as Outcome, action: "continue" as const, reason: "provider_unavailable" },
  ])("$name → ConnectionFailed($reason), the new connection ends failed", async ({ outcome, action, reason }) => {
    const user = await createTestUser();
    const { result, correlationId } = await connect(user.id, { login: uniqueLogin("bob"), outcome, action });
    expect(result).toEqual({ ok: false, reason, providerSlug: "sandbox-bank" });
    const audit = await auditFor(correlationId);
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ["provider_connection_attempted", null],
      ["provider_connection_failed", reason],
    ]);
    const db = await getDb();
    const rows = await db.select().from(providerConnections).where(eq(providerConnections.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "failed", statusReason: reason, accessTokenEnc: null });
    expect(smtp.capture().messages.filter((m) => m.to.includes(user.email))).toHaveLength(0);
  });

  test("a replayed, forged or someone else's state is invalid_state and changes nothing", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const first = await connect(user.id, { login: uniqueLogin("carol") });
    expect(first.result.ok).toBe(true);

    const replay = await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: first.callbackUrl }));
    expect(replay).toMatchObject({ ok: false, reason: "invalid_state" });

    const forged = new URL(first.callbackUrl);
    forged.searchParams.set("state", "forged-state-value");
    expect(await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: forged }))).toMatchObject({
      ok: false,
      reason: "invalid_state",
    });

    // A state minted for `user` presented by `other` (e.g. a link sent to a victim).
    const { authorizationUrl } = await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank", alias: "Second" }));
    const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: uniqueLogin("carol") });
    expect(await asUser(other.id, () => completeConnect({ userId: other.id, providerSlug: "sandbox-bank", callbackUrl }))).toMatchObject({
      ok: false,
      reason: "invalid_state",
    });
    const db = await getDb();
    expect(await db.select().from(providerConnections).where(eq(providerConnections.userId, other.id))).toHaveLength(0);
    const [second] = await db
      .select()
      .from(providerConnections)
      .where(and(eq(providerConnections.userId, user.id), eq(providerConnections.alias, "Second")));
    expect(second?.status).toBe("pending");
  });

  test("a state older than its 10 minutes is invalid_state: no code exchange, the connection stays pending", async () => {
    const user = await createTestUser();
    const login = uniqueLogin("erin");
    const { authorizationUrl } = await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank" }));
    const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login });
    const db = await getDb();
    // The user took longer than OAUTH_STATE_TTL_SECONDS at the bank.
    await db
      .update(oauthStates)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthStates.stateHash, hashState(callbackUrl.searchParams.get("state")!)));

    expect(await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl }))).toMatchObject({
      ok: false,
      reason: "invalid_state",
    });
    expect((await bank.control().stats()).tokenRequests.byAccount[login]?.authorizationCode ?? 0).toBe(0);
    const rows = await db.select().from(providerConnections).where(eq(providerConnections.userId, user.id));
    // The run ends with its outcome (failed), never activated and holding no token.
    expect(rows.map((r) => [r.status, r.accessTokenEnc])).toEqual([["failed", null]]);
  });

  test("connect attempts are rate-limited per user: the sixth in ten minutes is refused", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 5; i += 1) {
      await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank", alias: `Try ${i}` }));
    }
    const refusal = await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank", alias: "Try 6" })).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "rate_limited" });
    // The window is fixed (lib/rate-limit.ts), so the wait left is 1 to 10 minutes, said in whole minutes.
    const [, minutes, unit] = /^You have started several connections in a short time\. Please try again in (\d+) (minutes?)\.$/.exec((refusal as Error).message) ?? [];
    expect(Number(minutes)).toBeGreaterThanOrEqual(1);
    expect(Number(minutes)).toBeLessThanOrEqual(10);
    expect(unit).toBe(Number(minutes) === 1 ? "minute" : "minutes");
    const db = await getDb();
    const failures = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.userId, user.id), eq(auditLogs.reason, "rate_limited")));
    expect(failures).toHaveLength(1);
    // The refused attempt is one run: its Attempted row shares the failure's correlation id.
    expect((await auditFor(failures[0]!.correlationId)).map((r) => r.action)).toEqual(["provider_connection_attempted", "provider_connection_failed"]);
  });

  test("an unknown provider is refused before anything is written", async () => {
    const user = await createTestUser();
    await expect(asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "no-such-bank" }))).rejects.toMatchObject({
      code: "unknown_provider",
      message: "That provider is not available.",
    });
    expect(await (await getDb()).select().from(auditLogs).where(eq(auditLogs.userId, user.id))).toEqual([]);
  });

  test("a provider that cannot be reached ends the run provider_unavailable at once, with no pending row", async () => {
    const user = await createTestUser();
    const refusal = await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "down-bank" })).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ name: "ExpectedError", code: "provider_unavailable" });
    const db = await getDb();
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.userId, user.id)).orderBy(auditLogs.seq);
    expect(rows.map((r) => [r.action, r.reason, r.providerSlug])).toEqual([
      ["provider_connection_attempted", null, "down-bank"],
      ["provider_connection_failed", "provider_unavailable", "down-bank"],
    ]);
    expect(rows[1]!.correlationId).toBe(rows[0]!.correlationId);
    expect(await db.select().from(providerConnections).where(eq(providerConnections.userId, user.id))).toEqual([]);
  });

  test("a flow started again under the same name, or under the default one, reuses its abandoned pending row", async () => {
    const user = await createTestUser();
    const start = (alias?: string) => asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank", alias }));
    await start("Joint");
    await start("joint");
    await start();
    await start();
    const rows = await (await getDb()).select().from(providerConnections).where(eq(providerConnections.userId, user.id)).orderBy(providerConnections.alias);
    expect(rows.map((r) => [r.alias, r.status])).toEqual([
      ["Joint", "pending"],
      ["Sandbox Bank", "pending"],
    ]);
  });

  test("reconnecting is refused for someone else's connection, for another provider, and for one that needs nothing", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser();
    const { result } = await connect(user.id, { login: uniqueLogin("eve") });
    if (!result.ok) throw new Error("connect failed");
    const db = await getDb();
    const refused = { code: "connection_not_found", message: "That connection cannot be reconnected." };
    const reconnect = (userId: string, providerSlug: string) => asUser(userId, () => startConnect({ userId, providerSlug, connectionId: result.connectionId }));

    await expect(reconnect(user.id, "sandbox-bank")).rejects.toMatchObject(refused); // active: nothing to reconnect
    await db.update(providerConnections).set({ status: "expired" }).where(eq(providerConnections.id, result.connectionId));
    await expect(reconnect(stranger.id, "sandbox-bank")).rejects.toMatchObject(refused);
    await expect(reconnect(user.id, "other-bank")).rejects.toMatchObject(refused);
    await expect(reconnect(user.id, "sandbox-bank")).resolves.toMatchObject({ authorizationUrl: expect.any(String) });
  });

  test("several connections to one provider are told apart by alias; a taken alias is refused", async () => {
    const user = await createTestUser();
    const a = await connect(user.id, { login: uniqueLogin("dan") });
    const b = await connect(user.id, { login: uniqueLogin("dan") });
    expect(a.result.ok && b.result.ok).toBe(true);
    const db = await getDb();
    const rows = await db.select().from(providerConnections).where(eq(providerConnections.userId, user.id)).orderBy(providerConnections.createdAt);
    expect(rows.map((r) => r.alias)).toEqual(["Sandbox Bank", "Sandbox Bank 2"]);
    await expect(asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank", alias: "sandbox bank" }))).rejects.toMatchObject({
      code: "alias_taken",
      message: "You already have a Sandbox Bank connection called “Sandbox Bank”.",
    });
  });
});

describe("disconnect", () => {
  test("revokes at the bank, wipes the credentials, keeps the row, emails the user", async () => {
    const user = await createTestUser();
    const login = uniqueLogin("erin");
    const { result } = await connect(user.id, { login });
    if (!result.ok) throw new Error("connect failed");
    const before = (await bank.control().stats()).revocations.length;

    const outcome = await asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId: result.connectionId }));
    expect(outcome).toMatchObject({ ok: true, revocation: "revoked" });

    const stats = await bank.control().stats();
    expect(stats.revocations.slice(before)).toEqual([expect.objectContaining({ login, tokenTypeHint: "refresh_token" })]);
    const row = await connectionRow(result.connectionId);
    expect(row).toMatchObject({ status: "disconnected", accessTokenEnc: null, refreshTokenEnc: null, revocationOutcome: "revoked" });
    expect(row.disconnectedAt).toBeInstanceOf(Date);

    const audit = await (await getDb())
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.connectionId, result.connectionId), eq(auditLogs.workflow, "disconnect")))
      .orderBy(auditLogs.seq);
    expect(audit.map((a) => a.action)).toEqual(["provider_disconnection_attempted", "provider_disconnected"]);
    await expect.poll(() => smtp.capture().messages.filter((m) => m.to.includes(user.email) && m.subject === "Sandbox Bank disconnected").length).toBe(1);
  });

  test("someone else's connection id gets connection_not_found and changes nothing", async () => {
    const owner = await createTestUser();
    const intruder = await createTestUser();
    const { result } = await connect(owner.id, { login: uniqueLogin("frank") });
    if (!result.ok) throw new Error("connect failed");

    const outcome = await asUser(intruder.id, () => disconnectConnection({ userId: intruder.id, connectionId: result.connectionId }));
    expect(outcome).toEqual({ ok: false, reason: "connection_not_found" });
    const row = await connectionRow(result.connectionId);
    expect(row.status).toBe("active");
    expect(row.refreshTokenEnc).not.toBeNull();
    const audit = await (await getDb()).select().from(auditLogs).where(and(eq(auditLogs.userId, intruder.id), eq(auditLogs.workflow, "disconnect")));
    expect(audit.map((a) => [a.outcome, a.reason, a.providerSlug])).toEqual([
      ["attempted", null, "unknown"],
      ["failed", "connection_not_found", "unknown"],
    ]);
  });

  test("a connection already disconnected gets connection_not_found and keeps its record", async () => {
    const user = await createTestUser();
    const { result } = await connect(user.id, { login: uniqueLogin("gil") });
    if (!result.ok) throw new Error("connect failed");
    const disconnect = () => asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId: result.connectionId }));
    expect(await disconnect()).toMatchObject({ ok: true, revocation: "revoked" });
    const after = await connectionRow(result.connectionId);

    expect(await disconnect()).toEqual({ ok: false, reason: "connection_not_found" });
    expect(await connectionRow(result.connectionId)).toEqual(after);
    // As for an id that is not theirs: an id no longer live names no provider.
    const audit = await (await getDb()).select().from(auditLogs).where(and(eq(auditLogs.userId, user.id), eq(auditLogs.workflow, "disconnect"))).orderBy(auditLogs.seq);
    expect(audit.slice(-2).map((a) => [a.outcome, a.reason, a.providerSlug])).toEqual([
      ["attempted", null, "unknown"],
      ["failed", "connection_not_found", "unknown"],
    ]);
  });

  /** An active row of `providerSlug` holding `tokens` as given (sealed or not), inserted as is. */
  async function activeRow(userId: string, providerSlug: string, tokens: { accessTokenEnc?: string | null; refreshTokenEnc?: string | null }) {
    const id = crypto.randomUUID();
    await (await getDb()).insert(providerConnections).values({ id, userId, providerSlug, alias: `row ${id.slice(0, 4)}`, status: "active", ...tokens });
    return id;
  }

  test("what cannot be revoked is said in the outcome, and the connection is disconnected all the same", async () => {
    const user = await createTestUser();
    const disconnect = (connectionId: string) => asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId }));
    const sealedFor = (id: string) => ({ refreshTokenEnc: sealConnectionToken(id, "refresh_token", "refresh-of-a-closed-bank") });

    // A provider no longer configured: nobody to ask.
    const closedId = crypto.randomUUID();
    await (await getDb()).insert(providerConnections).values({ id: closedId, userId: user.id, providerSlug: "closed-bank", alias: "closed", status: "active", ...sealedFor(closedId) });
    expect(await disconnect(closedId)).toMatchObject({ ok: true, revocation: "unsupported" });

    // Nothing held: nothing to revoke.
    const empty = await activeRow(user.id, "sandbox-bank", {});
    expect(await disconnect(empty)).toMatchObject({ ok: true, revocation: "no_credentials" });

    // A credential that cannot be opened (a key gone, say): the revocation fails, the disconnect does not.
    logs.clear();
    const unreadable = await activeRow(user.id, "sandbox-bank", { refreshTokenEnc: "not-a-sealed-value" });
    expect(await disconnect(unreadable)).toMatchObject({ ok: true, revocation: "failed" });
    expect(logs.lines.filter((l) => l.msg === "token revocation failed; disconnecting anyway").map((l) => l.connectionId)).toEqual([unreadable]);

    for (const id of [closedId, empty, unreadable]) {
      expect(await connectionRow(id)).toMatchObject({ status: "disconnected", accessTokenEnc: null, refreshTokenEnc: null });
    }
  });

  test("with only an access token, that token is the one revoked", async () => {
    const user = await createTestUser();
    const { result } = await connect(user.id, { login: uniqueLogin("hana") });
    if (!result.ok) throw new Error("connect failed");
    await (await getDb()).update(providerConnections).set({ refreshTokenEnc: null }).where(eq(providerConnections.id, result.connectionId));

    expect(await asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId: result.connectionId }))).toMatchObject({ ok: true, revocation: "revoked" });
  });
});
