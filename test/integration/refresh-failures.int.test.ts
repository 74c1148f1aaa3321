/**
 * Every way a token refresh can fail, through `refreshConnection` against real HTTP servers:
 * the Sandbox Bank (switched with its control API) and, for answers the bank cannot give (a
 * long Retry-After, a dropped connection), a small local token endpoint. Each failure must end
 * in the right status, with the backoff of lib/connections/refresh-backoff.ts, and with one
 * email when only the user can fix it, none otherwise.
 *
 * Emails are counted after a barrier, never after a sleep: `refreshConnection` waits for the
 * handlers, the email handler waits for the SMTP server's answer, and the capture stores a
 * message before it answers. So when the call returns, every email it caused is in the capture.
 */
import { createServer, type Server } from "node:http";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { getFreshAccessToken } from "@/lib/connections/get-fresh-access-token";
import { REFRESH_BACKOFF } from "@/lib/connections/refresh-backoff";
import { refreshConnection } from "@/lib/connections/refresh-connection";
import { getDb } from "@/lib/db/client";
import { providerConnections } from "@/lib/db/schema";
import type { TokenEndpointMode } from "@/lib/providers/sandbox-bank/state";
import { openConnectionToken } from "@/lib/providers/token-vault";
import { connectionRow, refreshAuditTrail } from "@/test/support/connection-rows";
import { whileConnectionHeld } from "@/test/support/row-lock";
import { connectAtSandboxBank, uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

// A provider configured from the environment alone whose token endpoint is the local server
// below. The environment is read once, on first use: set before any hook runs. Its port sits
// beside the test app's (APP_URL + 3, so 3203 by default), which moves with E2E_PORT_BASE: two
// runs on one machine do not meet there.
const STUB_PORT = Number(new URL(process.env.APP_URL ?? "http://localhost:3200").port) + 3;
const STUB = `http://127.0.0.1:${STUB_PORT}`;
Object.assign(process.env, {
  PROVIDER_STUB_BANK_NAME: "Stub Bank",
  PROVIDER_STUB_BANK_AUTHORIZATION_URL: `${STUB}/auth`,
  PROVIDER_STUB_BANK_TOKEN_URL: `${STUB}/token`,
  PROVIDER_STUB_BANK_CLIENT_ID: "stub-client",
  PROVIDER_STUB_BANK_CLIENT_SECRET: "stub-secret-value",
  PROVIDER_STUB_BANK_TOKEN_AUTH: "client_secret_post",
  PROVIDER_STUB_BANK_SCOPES: "offline_access accounts",
});

/** What the local token endpoint does with the next requests. */
type StubMode = { kind: "rate_limited"; retryAfterSeconds: number } | { kind: "drop_connection" };
let stubMode: StubMode = { kind: "drop_connection" };
let stubRequests = 0;
let stub: Server;

beforeAll(async () => {
  stub = createServer((request, response) => {
    stubRequests += 1;
    request.resume();
    if (stubMode.kind === "drop_connection") {
      request.socket.destroy(); // no answer at all: a network failure, not an HTTP error
      return;
    }
    response.writeHead(429, { "content-type": "application/json", "retry-after": String(stubMode.retryAfterSeconds) });
    response.end(JSON.stringify({ error: "temporarily_unavailable", error_description: "slow down" }));
  });
  await new Promise<void>((resolve) => stub.listen(STUB_PORT, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => stub.close(() => resolve()));
  for (const name of Object.keys(process.env)) if (name.startsWith("PROVIDER_STUB_BANK_")) delete process.env[name];
});

const smtp = withSmtpCapture();
const bank = withSandboxBank();

const SECOND = 1000;

/** An active connection at the Sandbox Bank whose access token lives 60 s (so it is due), owned by a user with a known address. */
async function activeConnection(label: string) {
  const login = uniqueLogin(label);
  const user = await createTestUser();
  const connectionId = await connectAtSandboxBank({ userId: user.id, login, outcome: "short_lived" });
  return { login, user, connectionId };
}

/** Emails sent to `address` so far; valid right after `refreshConnection` returns (see the header). */
const emailsTo = (address: string) => smtp.capture().messages.filter((m) => m.to.includes(address)).map((m) => m.subject);

const refreshCount = async (login: string) => (await bank.control().stats()).tokenRequests.byAccount[login]?.refreshToken ?? 0;

/** Backoff after the n-th consecutive transient failure ("equal" jitter: between half and all of the doubled base). */
function expectBackoff(nextAttemptAt: Date | null, now: Date, failures: number) {
  const ceiling = Math.min(REFRESH_BACKOFF.baseSeconds * 2 ** (failures - 1), REFRESH_BACKOFF.maxSeconds);
  const waitMs = nextAttemptAt!.getTime() - now.getTime();
  expect(waitMs).toBeGreaterThanOrEqual(Math.ceil(ceiling / 2) * SECOND);
  expect(waitMs).toBeLessThanOrEqual(ceiling * SECOND);
}

/** A transient failure keeps the grant: active, tokens kept, one more failure counted. */
async function expectGrantKept(connectionId: string, before: Awaited<ReturnType<typeof connectionRow>>, reason: string, failures: number) {
  const after = await connectionRow(connectionId);
  expect(after).toMatchObject({ status: "active", statusReason: reason, refreshFailures: failures });
  expect(after.refreshTokenEnc).toBe(before.refreshTokenEnc);
  expect(after.accessTokenEnc).toBe(before.accessTokenEnc);
  return after;
}

// The first test also pays for cold imports (the OAuth client, the email templates): on a loaded machine that alone can take 30 s.
describe("refresh failures only the user can fix", { timeout: 90_000 }, () => {
  test("an expired refresh token at the bank makes the connection expired (not revoked), wipes the grant, and sends one email", async () => {
    const { login, user, connectionId } = await activeConnection("ivy");
    // The bank answers invalid_grant without saying "revoked": an expired grant.
    await bank.control().setAccount(login, { tokenEndpoint: "token_error" satisfies TokenEndpointMode });

    const outcome = await refreshConnection({ connectionId });
    expect(outcome).toMatchObject({ status: "failed", reason: "refresh_token_expired", needsUserAction: true });
    expect(await connectionRow(connectionId)).toMatchObject({
      status: "expired",
      statusReason: "refresh_token_expired",
      accessTokenEnc: null,
      refreshTokenEnc: null,
      nextRefreshAttemptAt: null,
    });
    expect(await refreshAuditTrail(connectionId)).toEqual([
      ["attempted", null, null],
      ["failed", "refresh_token_expired", true],
    ]);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected", "Reconnect Sandbox Bank"]);

    // Not active any more: a second run asks nothing and sends nothing.
    expect(await refreshConnection({ connectionId })).toMatchObject({ status: "skipped", why: "not_active" });
    expect(await refreshCount(login)).toBe(1);
    expect(emailsTo(user.email)).toHaveLength(2);
  });

  test("a refresh token past its known lifetime is expired without asking the bank", async () => {
    const { login, user, connectionId } = await activeConnection("jade");
    const db = await getDb();
    await db.update(providerConnections).set({ refreshTokenExpiresAt: new Date(Date.now() - SECOND) }).where(eq(providerConnections.id, connectionId));

    expect(await refreshConnection({ connectionId })).toMatchObject({ status: "failed", reason: "refresh_token_expired" });
    expect(await connectionRow(connectionId)).toMatchObject({ status: "expired", statusReason: "refresh_token_expired", refreshTokenEnc: null });
    expect(await refreshCount(login)).toBe(0);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected", "Reconnect Sandbox Bank"]);
  });

  test("a grant revoked at the bank makes the connection revoked (not expired) and sends one email", async () => {
    const { login, user, connectionId } = await activeConnection("kim");
    await bank.control().revokeAccount(login);

    expect(await refreshConnection({ connectionId })).toMatchObject({ status: "failed", reason: "provider_revoked", needsUserAction: true });
    expect(await connectionRow(connectionId)).toMatchObject({ status: "revoked", statusReason: "provider_revoked", accessTokenEnc: null, refreshTokenEnc: null });
    expect(await refreshAuditTrail(connectionId)).toEqual([
      ["attempted", null, null],
      ["failed", "provider_revoked", true],
    ]);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected", "Reconnect Sandbox Bank"]);
  });
});

describe("transient refresh failures back off and keep the grant, without an email", () => {
  test("a 5xx: provider_unavailable, the base backoff, then a doubled one, and a retry that succeeds", async () => {
    const { login, user, connectionId } = await activeConnection("lou");
    const before = await connectionRow(connectionId);
    await bank.control().setAccount(login, { tokenEndpoint: "unavailable" });

    const now = new Date();
    expect(await refreshConnection({ connectionId, now })).toMatchObject({ status: "failed", reason: "provider_unavailable", needsUserAction: false });
    const first = await expectGrantKept(connectionId, before, "provider_unavailable", 1);
    expectBackoff(first.nextRefreshAttemptAt, now, 1);

    // Still backing off: nothing is asked.
    expect(await refreshConnection({ connectionId, now })).toMatchObject({ status: "skipped", why: "backing_off" });
    expect(await refreshCount(login)).toBe(1);

    const later = new Date(first.nextRefreshAttemptAt!.getTime() + SECOND);
    await refreshConnection({ connectionId, now: later });
    const second = await expectGrantKept(connectionId, before, "provider_unavailable", 2);
    expectBackoff(second.nextRefreshAttemptAt, later, 2);

    await bank.control().setAccount(login, { tokenEndpoint: "ok" });
    const recovered = await refreshConnection({ connectionId, now: new Date(second.nextRefreshAttemptAt!.getTime() + SECOND) });
    expect(recovered).toMatchObject({ status: "refreshed" });
    expect(await connectionRow(connectionId)).toMatchObject({ status: "active", statusReason: null, refreshFailures: 0, nextRefreshAttemptAt: null });
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected"]);
  });

  test("a 429 whose Retry-After is shorter than the backoff: rate_limited, the base backoff", async () => {
    const { login, user, connectionId } = await activeConnection("max");
    const before = await connectionRow(connectionId);
    await bank.control().setAccount(login, { tokenEndpoint: "rate_limited" }); // Retry-After: 1

    const now = new Date();
    expect(await refreshConnection({ connectionId, now })).toMatchObject({ status: "failed", reason: "rate_limited", needsUserAction: false });
    const after = await expectGrantKept(connectionId, before, "rate_limited", 1);
    expectBackoff(after.nextRefreshAttemptAt, now, 1);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected"]);
  });

  test("a 429 whose Retry-After is longer than the backoff: the provider's wait wins, to the second", async () => {
    const { user, connectionId } = await activeConnection("ned");
    const db = await getDb();
    await db.update(providerConnections).set({ providerSlug: "stub-bank" }).where(eq(providerConnections.id, connectionId));
    const before = await connectionRow(connectionId);
    const retryAfterSeconds = REFRESH_BACKOFF.maxSeconds * 2;
    stubMode = { kind: "rate_limited", retryAfterSeconds };
    const requestsBefore = stubRequests;

    const now = new Date();
    expect(await refreshConnection({ connectionId, now })).toMatchObject({ status: "failed", reason: "rate_limited", needsUserAction: false });
    expect(stubRequests - requestsBefore).toBe(1);
    const after = await expectGrantKept(connectionId, before, "rate_limited", 1);
    expect(after.nextRefreshAttemptAt!.getTime() - now.getTime()).toBe(retryAfterSeconds * SECOND);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected"]);
  });

  test("a dropped connection: network_error, the base backoff", async () => {
    const { user, connectionId } = await activeConnection("oda");
    const db = await getDb();
    await db.update(providerConnections).set({ providerSlug: "stub-bank" }).where(eq(providerConnections.id, connectionId));
    const before = await connectionRow(connectionId);
    stubMode = { kind: "drop_connection" };
    const requestsBefore = stubRequests;

    const now = new Date();
    expect(await refreshConnection({ connectionId, now })).toMatchObject({ status: "failed", reason: "network_error", needsUserAction: false });
    expect(stubRequests - requestsBefore).toBeGreaterThanOrEqual(1);
    const after = await expectGrantKept(connectionId, before, "network_error", 1);
    expectBackoff(after.nextRefreshAttemptAt, now, 1);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected"]);
  });

  test("a bank that does not answer in time: provider_unavailable after the client's timeout, the base backoff", { timeout: 60_000 }, async () => {
    const { login, user, connectionId } = await activeConnection("pia");
    const before = await connectionRow(connectionId);
    await bank.control().setAccount(login, { tokenEndpoint: "slow" }); // answers after 15 s; the client gives up after 10 s

    const now = new Date();
    expect(await refreshConnection({ connectionId, now })).toMatchObject({ status: "failed", reason: "provider_unavailable", needsUserAction: false });
    const after = await expectGrantKept(connectionId, before, "provider_unavailable", 1);
    expectBackoff(after.nextRefreshAttemptAt, now, 1);
    expect(emailsTo(user.email)).toEqual(["Sandbox Bank connected"]);
  });
});

describe("getFreshAccessToken", () => {
  test("refreshes a due token before handing it out", async () => {
    const { login, user, connectionId } = await activeConnection("quin");
    const before = await connectionRow(connectionId);
    const oldAccessToken = openConnectionToken(connectionId, "access_token", before.accessTokenEnc!);

    const token = await getFreshAccessToken({ userId: user.id, connectionId });

    expect(await refreshCount(login)).toBe(1);
    const after = await connectionRow(connectionId);
    expect(after.lastRefreshedAt).toBeInstanceOf(Date);
    expect(token).not.toBe(oldAccessToken);
    expect(token).toBe(openConnectionToken(connectionId, "access_token", after.accessTokenEnc!));
  });

  test("hands out a token that is not due as it is, without asking the bank", async () => {
    const login = uniqueLogin("rory");
    const user = await createTestUser();
    const connectionId = await connectAtSandboxBank({ userId: user.id, login }); // an access token that lives an hour
    const row = await connectionRow(connectionId);

    expect(await getFreshAccessToken({ userId: user.id, connectionId })).toBe(openConnectionToken(connectionId, "access_token", row.accessTokenEnc!));
    // A token the provider gave no lifetime is never due, and never expired.
    await (await getDb()).update(providerConnections).set({ accessTokenExpiresAt: null }).where(eq(providerConnections.id, connectionId));
    expect(await getFreshAccessToken({ userId: user.id, connectionId })).toBe(openConnectionToken(connectionId, "access_token", row.accessTokenEnc!));
    expect(await refreshCount(login)).toBe(0);
  });

  test("refuses someone else's connection, one that is not active, and one without a token, without asking the bank", async () => {
    const { login, user, connectionId } = await activeConnection("sol");
    const stranger = await createTestUser();
    const db = await getDb();
    const refused = { name: "ExpectedError", code: "connection_unusable", message: "That connection needs to be reconnected before it can be used." };

    await expect(getFreshAccessToken({ userId: stranger.id, connectionId })).rejects.toMatchObject(refused);
    await db.update(providerConnections).set({ status: "expired" }).where(eq(providerConnections.id, connectionId));
    await expect(getFreshAccessToken({ userId: user.id, connectionId })).rejects.toMatchObject(refused);
    await db.update(providerConnections).set({ status: "active", accessTokenEnc: null }).where(eq(providerConnections.id, connectionId));
    await expect(getFreshAccessToken({ userId: user.id, connectionId })).rejects.toMatchObject(refused);
    expect(await refreshCount(login)).toBe(0);
  });

  test("a due token whose grant the bank revoked is refused after the refresh", async () => {
    const { login, user, connectionId } = await activeConnection("tam");
    await bank.control().revokeAccount(login);

    await expect(getFreshAccessToken({ userId: user.id, connectionId })).rejects.toMatchObject({
      code: "connection_unusable",
      message: "The provider did not renew access. Please try again or reconnect.",
    });
    expect(await connectionRow(connectionId)).toMatchObject({ status: "revoked", accessTokenEnc: null });
  });

  // Row locks need a second connection: PostgreSQL only (PGlite runs one transaction at a time).
  test.skipIf(!process.env.DATABASE_URL)("two calls at once with an expired token both wait for the one refresh and get its token", async () => {
    const { login, user, connectionId } = await activeConnection("vel");
    await (await getDb()).update(providerConnections).set({ accessTokenExpiresAt: new Date(Date.now() - SECOND) }).where(eq(providerConnections.id, connectionId));

    const { result: tokens, finishedWhileHeld } = await whileConnectionHeld(connectionId, () =>
      Promise.all([1, 2].map(() => getFreshAccessToken({ userId: user.id, connectionId }))),
    );

    expect(finishedWhileHeld).toBe(false);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[0]).toBe(openConnectionToken(connectionId, "access_token", (await connectionRow(connectionId)).accessTokenEnc!));
    expect(await refreshCount(login)).toBe(1);
  });

  test.skipIf(!process.env.DATABASE_URL)("a token that is not due is handed out at once, even while a refresh holds the row", async () => {
    const login = uniqueLogin("wim");
    const user = await createTestUser();
    const connectionId = await connectAtSandboxBank({ userId: user.id, login }); // an access token that lives an hour

    const { result, finishedWhileHeld } = await whileConnectionHeld(connectionId, () => getFreshAccessToken({ userId: user.id, connectionId }), { holdMs: 5_000 });

    expect(finishedWhileHeld).toBe(true);
    expect(result).toBe(openConnectionToken(connectionId, "access_token", (await connectionRow(connectionId)).accessTokenEnc!));
  });

  test("a due token the bank cannot renew just now is handed out while it lasts, and refused once it has expired", async () => {
    const { login, user, connectionId } = await activeConnection("uli");
    const before = await connectionRow(connectionId);
    await bank.control().setAccount(login, { tokenEndpoint: "unavailable" });

    expect(await getFreshAccessToken({ userId: user.id, connectionId })).toBe(openConnectionToken(connectionId, "access_token", before.accessTokenEnc!));
    expect(await refreshCount(login)).toBe(1);
    expect(await connectionRow(connectionId)).toMatchObject({ status: "active", accessTokenEnc: before.accessTokenEnc });

    const db = await getDb();
    await db.update(providerConnections).set({ accessTokenExpiresAt: new Date(Date.now() - SECOND) }).where(eq(providerConnections.id, connectionId));
    await expect(getFreshAccessToken({ userId: user.id, connectionId })).rejects.toMatchObject({
      code: "connection_unusable",
      message: "The provider did not renew access. Please try again or reconnect.",
    });
  });
});
