import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import {
  clearClientConfigurations,
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  getClientConfiguration,
  OAuthConfigurationError,
  OAuthFlowError,
  type OAuthFailureCode,
  type OAuthProviderConfig,
  refreshAccessToken,
  revokeToken,
  type TokenSet,
} from "./oauth-client";
import { authorizeInSandboxBank, type SandboxChoice } from "./sandbox-bank/consent-driver";
import { type SandboxBank, startSandboxBank } from "./sandbox-bank/server";
import type { SandboxStats } from "./sandbox-bank/state";

const REDIRECT_URI = "http://localhost:3000/connections/callback/sandbox-bank";
const CLIENT_ID = "ledgerlink";
const CLIENT_SECRET = "client-secret-value";
const CONTROL_SECRET = "control-secret-value";

let bank: SandboxBank;
/** Every credential seen in a test; no error message may contain one. */
let secrets: string[];

beforeAll(async () => {
  bank = await startSandboxBank({
    issuer: "http://localhost:0",
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    controlSecret: CONTROL_SECRET,
    shortLivedAccessTokenTtlSeconds: 5,
    slowResponseMs: 300,
    quiet: true,
  });
});
afterAll(() => bank.close());
beforeEach(async () => {
  secrets = [CLIENT_SECRET];
  await control("POST", "/reset");
});
afterEach(() => {
  vi.useRealTimers();
  clearClientConfigurations();
});

function sandbox(overrides: Partial<OAuthProviderConfig> = {}): OAuthProviderConfig {
  return {
    slug: "sandbox-bank",
    name: "Sandbox Bank",
    issuer: bank.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ["openid", "offline_access", "accounts"],
    tokenAuth: "client_secret_basic",
    ...overrides,
  };
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${bank.issuer}/sandbox/control${path}`, {
    method,
    headers: { authorization: `Bearer ${CONTROL_SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
  return response.json();
}

async function authorize(provider: OAuthProviderConfig, choice: SandboxChoice = {}) {
  const request = await createAuthorizationRequest(provider, { redirectUri: REDIRECT_URI });
  const callbackUrl = await authorizeInSandboxBank(request.url, choice);
  secrets.push(request.codeVerifier, callbackUrl.searchParams.get("code") ?? "", request.state);
  return { ...request, callbackUrl };
}

async function connect(provider = sandbox(), choice: SandboxChoice = {}): Promise<TokenSet> {
  const { callbackUrl, state, codeVerifier } = await authorize(provider, choice);
  const tokens = await exchangeAuthorizationCode(provider, {
    callbackUrl,
    expectedState: state,
    codeVerifier,
    redirectUri: REDIRECT_URI,
  });
  secrets.push(tokens.accessToken, tokens.refreshToken ?? "");
  return tokens;
}

async function expectFlowError(promise: Promise<unknown>, code: OAuthFailureCode): Promise<OAuthFlowError> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OAuthFlowError);
  const flowError = error as OAuthFlowError;
  expect(flowError.code).toBe(code);
  const visible = `${flowError.message} ${flowError.stack} ${JSON.stringify(flowError)}`;
  for (const secret of secrets.filter(Boolean)) expect(visible).not.toContain(secret);
  return flowError;
}

describe("authorization code flow against the Sandbox Bank", () => {
  it("connects with PKCE and returns a token set", async () => {
    const { url, state, codeVerifier, callbackUrl } = await authorize(sandbox());
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("state")).toBe(state);
    expect(callbackUrl.searchParams.get("iss")).toBe(bank.issuer);

    const tokens = await exchangeAuthorizationCode(sandbox(), {
      callbackUrl,
      expectedState: state,
      codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.tokenType.toLowerCase()).toBe("bearer");
    expect(tokens.scope).toContain("accounts");
    expect(tokens.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(tokens.refreshTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);

    const stats = (await control("GET", "/stats")) as SandboxStats;
    expect(stats.tokenRequests.byAccount.alice).toEqual({ authorizationCode: 1, refreshToken: 0 });
  });

  it("authenticates with client_secret_post too", async () => {
    const tokens = await connect(sandbox({ slug: "sandbox-post", tokenAuth: "client_secret_post" }));
    expect(tokens.refreshToken).toEqual(expect.any(String));
  });

  it("works with explicit endpoints instead of discovery", async () => {
    const explicit = sandbox({
      slug: "sandbox-explicit",
      issuer: undefined,
      authorizationEndpoint: `${bank.issuer}/auth`,
      tokenEndpoint: `${bank.issuer}/token`,
      revocationEndpoint: `${bank.issuer}/token/revocation`,
    });
    const tokens = await connect(explicit);
    expect(await revokeToken(explicit, tokens.refreshToken!, "refresh_token")).toBe("revoked");
  });

  it("checks iss against the issuer when explicit endpoints come with one", async () => {
    const explicit = sandbox({
      slug: "sandbox-explicit-issuer",
      authorizationEndpoint: `${bank.issuer}/auth`,
      tokenEndpoint: `${bank.issuer}/token`,
    });
    const { callbackUrl, state, codeVerifier } = await authorize(explicit);
    const forged = new URL(callbackUrl);
    forged.searchParams.set("iss", "https://other-bank.example");
    await expectFlowError(
      exchangeAuthorizationCode(explicit, { callbackUrl: forged, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
      "invalid_state",
    );
    // Two iss values, even both right, are not one answer from one issuer.
    expect(callbackUrl.searchParams.getAll("iss")).toEqual([bank.issuer]);
    const repeated = new URL(callbackUrl);
    repeated.searchParams.append("iss", bank.issuer);
    await expectFlowError(
      exchangeAuthorizationCode(explicit, { callbackUrl: repeated, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
      "invalid_state",
    );
    await expect(
      exchangeAuthorizationCode(explicit, { callbackUrl, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
    ).resolves.toMatchObject({ refreshToken: expect.any(String) });
  });

  it("prefers an explicit revocation endpoint over the discovered one", async () => {
    const port = await closedPort();
    const overridden = sandbox({ slug: "sandbox-revocation", revocationEndpoint: `http://127.0.0.1:${port}/revoke` });
    const tokens = await connect(overridden);
    expect(await revokeToken(overridden, tokens.refreshToken!, "refresh_token")).toBe("failed");
    expect((await getClientConfiguration(overridden)).serverMetadata().revocation_endpoint).toBe(
      `http://127.0.0.1:${port}/revoke`,
    );
  });

  it("sends login_hint to the bank", async () => {
    const request = await createAuthorizationRequest(sandbox(), { redirectUri: REDIRECT_URI, loginHint: "bob" });
    expect(request.url.searchParams.get("login_hint")).toBe("bob");
  });

  it("reports a denied consent as user_cancelled", async () => {
    const { callbackUrl, state, codeVerifier } = await authorize(sandbox(), { action: "deny" });
    expect(callbackUrl.searchParams.get("error")).toBe("access_denied");
    const error = await expectFlowError(
      exchangeAuthorizationCode(sandbox(), { callbackUrl, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
      "user_cancelled",
    );
    expect(error).toMatchObject({ retryable: false, needsUserAction: false, providerError: "access_denied" });
  });

  it("rejects a forged, missing or duplicated state and a foreign issuer as invalid_state", async () => {
    const { callbackUrl, state, codeVerifier } = await authorize(sandbox());
    const exchange = (url: URL, expectedState = state) =>
      exchangeAuthorizationCode(sandbox(), { callbackUrl: url, expectedState, codeVerifier, redirectUri: REDIRECT_URI });
    const tampered = (edit: (params: URLSearchParams) => void) => {
      const url = new URL(callbackUrl);
      edit(url.searchParams);
      return url;
    };

    await expectFlowError(exchange(callbackUrl, "forged-state"), "invalid_state");
    await expectFlowError(exchange(tampered((p) => p.delete("state"))), "invalid_state");
    await expectFlowError(exchange(tampered((p) => p.append("state", state))), "invalid_state");
    await expectFlowError(exchange(tampered((p) => p.set("iss", "http://evil.localhost"))), "invalid_state");
    await expectFlowError(exchange(tampered((p) => p.delete("iss"))), "invalid_state");
    // None of these reached the token endpoint, so the real exchange still works.
    await expect(exchange(callbackUrl)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it.each([
    ["token_error", "oauth_error", 400, false],
    ["invalid_client", "invalid_credentials", 401, false],
    ["unavailable", "provider_unavailable", 503, true],
  ] as const)("maps the %s outcome to %s", async (outcome, code, status, retryable) => {
    const { callbackUrl, state, codeVerifier } = await authorize(sandbox(), { outcome });
    const error = await expectFlowError(
      exchangeAuthorizationCode(sandbox(), { callbackUrl, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
      code,
    );
    expect(error).toMatchObject({ status, retryable, needsUserAction: false, phase: "code_exchange" });
  });

  it("maps a rate-limited token endpoint to rate_limited with Retry-After", async () => {
    const { callbackUrl, state, codeVerifier } = await authorize(sandbox({}), { username: "rita" });
    await control("POST", "/accounts/rita", { tokenEndpoint: "rate_limited" });
    const error = await expectFlowError(
      exchangeAuthorizationCode(sandbox(), { callbackUrl, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
      "rate_limited",
    );
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 1 });
  });

  it("times out on a slow token endpoint, and waits when the timeout allows", async () => {
    const impatient = sandbox({ slug: "sandbox-impatient", timeoutMs: 100 });
    const slow = await authorize(impatient, { outcome: "slow", username: "sam" });
    const error = await expectFlowError(
      exchangeAuthorizationCode(impatient, {
        callbackUrl: slow.callbackUrl,
        expectedState: slow.state,
        codeVerifier: slow.codeVerifier,
        redirectUri: REDIRECT_URI,
      }),
      "provider_unavailable",
    );
    expect(error.retryable).toBe(true);

    const started = Date.now();
    await connect(sandbox(), { outcome: "slow", username: "sam" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("issues short-lived access tokens for that outcome, on refresh too", async () => {
    const tokens = await connect(sandbox(), { outcome: "short_lived", username: "shorty" });
    expect(tokens.accessTokenExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    const refreshed = await refreshAccessToken(sandbox(), tokens.refreshToken!);
    expect(refreshed.accessTokenExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
  });
});

describe("refresh", () => {
  it("rotates the refresh token; reusing the old one kills the grant", async () => {
    const first = await connect();
    const second = await refreshAccessToken(sandbox(), first.refreshToken!);
    secrets.push(second.accessToken, second.refreshToken!);
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);

    const reuse = await expectFlowError(refreshAccessToken(sandbox(), first.refreshToken!), "provider_revoked");
    expect(reuse).toMatchObject({ needsUserAction: true, retryable: false, providerError: "invalid_grant" });
    // Reuse detection revoked the whole grant, the rotated token included.
    const killed = await expectFlowError(refreshAccessToken(sandbox(), second.refreshToken!), "provider_revoked");
    expect(killed.needsUserAction).toBe(true);

    const stats = (await control("GET", "/stats")) as SandboxStats;
    expect(stats.tokenRequests.byAccount.alice).toEqual({ authorizationCode: 1, refreshToken: 3 });
  });

  it("needs the user after the bank revokes the account's grants", async () => {
    const tokens = await connect(sandbox(), { username: "victor" });
    expect(await control("POST", "/accounts/victor/revoke")).toEqual({ login: "victor", revokedGrants: 1 });
    const error = await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), "provider_revoked");
    expect(error.needsUserAction).toBe(true);
  });

  it("reports an expired refresh token as refresh_token_expired", async () => {
    const tokens = await connect();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 30 * 86400_000 + 3600_000 });
    const error = await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), "refresh_token_expired");
    expect(error.needsUserAction).toBe(true);
  });

  it("keeps 503, 429 and timeouts retryable without needing the user", async () => {
    const tokens = await connect(sandbox(), { username: "flaky" });

    await control("POST", "/accounts/flaky", { tokenEndpoint: "unavailable" });
    const unavailable = await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), "provider_unavailable");
    expect(unavailable).toMatchObject({ retryable: true, needsUserAction: false, status: 503 });

    await control("POST", "/accounts/flaky", { tokenEndpoint: "rate_limited" });
    const limited = await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), "rate_limited");
    expect(limited).toMatchObject({ retryable: true, needsUserAction: false, retryAfterSeconds: 1 });

    await control("POST", "/accounts/flaky", { tokenEndpoint: "slow" });
    const impatient = sandbox({ slug: "sandbox-impatient", timeoutMs: 100 });
    const slow = await expectFlowError(refreshAccessToken(impatient, tokens.refreshToken!), "provider_unavailable");
    expect(slow).toMatchObject({ retryable: true, needsUserAction: false, status: null });
  });

  it("retries after a 503 with the same refresh token", async () => {
    const tokens = await connect(sandbox(), { username: "patient" });
    await control("POST", "/accounts/patient", { tokenEndpoint: "unavailable" });
    await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), "provider_unavailable");
    await control("POST", "/accounts/patient", { tokenEndpoint: "ok" });
    await expect(refreshAccessToken(sandbox(), tokens.refreshToken!)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
  });

  it.each([
    ["invalid_client", "invalid_credentials"],
    ["token_error", "refresh_token_expired"],
  ] as const)("maps the %s mode to %s, needing the user", async (mode, code) => {
    const tokens = await connect(sandbox(), { username: "mode-user" });
    await control("POST", "/accounts/mode-user", { tokenEndpoint: mode });
    const error = await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), code);
    expect(error).toMatchObject({ needsUserAction: true, retryable: false, phase: "refresh" });
  });

  it("reports an unreachable provider as network_error", async () => {
    const port = await closedPort();
    const unreachable = sandbox({
      slug: "unreachable",
      issuer: undefined,
      authorizationEndpoint: `http://127.0.0.1:${port}/auth`,
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
    });
    const error = await expectFlowError(refreshAccessToken(unreachable, "some-refresh-token"), "network_error");
    expect(error).toMatchObject({ retryable: true, needsUserAction: false });
    // While connecting, the same failure is the provider being unavailable.
    await expectFlowError(
      createAuthorizationRequest(sandbox({ slug: "down", issuer: `http://127.0.0.1:${port}` }), {
        redirectUri: REDIRECT_URI,
      }),
      "provider_unavailable",
    );
  });
});

describe("revocation", () => {
  it("revokes at the bank, which records it", async () => {
    const tokens = await connect(sandbox(), { username: "rex" });
    expect(await revokeToken(sandbox(), tokens.refreshToken!, "refresh_token")).toBe("revoked");
    const stats = (await control("GET", "/stats")) as SandboxStats;
    expect(stats.revocations).toEqual([
      { at: expect.any(String), login: "rex", tokenTypeHint: "refresh_token", clientId: CLIENT_ID },
    ]);
    await expectFlowError(refreshAccessToken(sandbox(), tokens.refreshToken!), "refresh_token_expired");
  });

  it("is unsupported without a revocation endpoint, and failed when the call fails", async () => {
    const noRevocation = sandbox({
      slug: "no-revocation",
      issuer: undefined,
      authorizationEndpoint: `${bank.issuer}/auth`,
      tokenEndpoint: `${bank.issuer}/token`,
    });
    expect(await revokeToken(noRevocation, "token", "access_token")).toBe("unsupported");
    const wrongSecret = sandbox({ slug: "wrong-secret", clientSecret: "not-the-secret" });
    expect(await revokeToken(wrongSecret, "token", "access_token")).toBe("failed");
  });
});

describe("provider URLs", () => {
  it("refuses plain http outside loopback hosts", async () => {
    await expect(getClientConfiguration(sandbox({ slug: "evil", issuer: "http://bank.example" }))).rejects.toThrow(
      OAuthConfigurationError,
    );
    await expect(
      createAuthorizationRequest(sandbox({ slug: "evil", issuer: "http://10.0.0.1:3001" }), { redirectUri: REDIRECT_URI }),
    ).rejects.toThrow(/plain http/);
    const explicit = sandbox({
      slug: "evil-explicit",
      issuer: undefined,
      authorizationEndpoint: "https://bank.example/auth",
      tokenEndpoint: "http://bank.example/token",
    });
    await expect(getClientConfiguration(explicit)).rejects.toThrow(/token endpoint http:\/\/bank\.example uses plain http/);
  });

  it("discovers once per slug", async () => {
    const provider = sandbox({ slug: "cached" });
    const first = await getClientConfiguration(provider);
    expect(await getClientConfiguration(provider)).toBe(first);
    expect(await getClientConfiguration({ ...provider, clientSecret: "rotated" })).not.toBe(first);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("which step a failure belongs to", () => {
  it("names the step whose provider set-up failed: authorization, code exchange or refresh", async () => {
    const down = sandbox({ slug: "down-everywhere", issuer: `http://127.0.0.1:${await closedPort()}` });
    const authorizing = await expectFlowError(createAuthorizationRequest(down, { redirectUri: REDIRECT_URI }), "provider_unavailable");
    expect(authorizing.phase).toBe("authorization");
    const exchanging = await expectFlowError(
      exchangeAuthorizationCode(down, {
        callbackUrl: new URL(`${REDIRECT_URI}?code=c&state=s`),
        expectedState: "s",
        codeVerifier: "v",
        redirectUri: REDIRECT_URI,
      }),
      "provider_unavailable",
    );
    expect(exchanging.phase).toBe("code_exchange");
    const refreshing = await expectFlowError(refreshAccessToken(down, "some-refresh-token"), "network_error");
    expect(refreshing).toMatchObject({ phase: "refresh", needsUserAction: false });
  });

  it("blames the authorization response, not the exchange, for a bad state, an error or a missing code", async () => {
    const { callbackUrl, state, codeVerifier } = await authorize(sandbox());
    const exchange = (url: URL) =>
      exchangeAuthorizationCode(sandbox(), { callbackUrl: url, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI });
    const edited = (edit: (params: URLSearchParams) => void) => {
      const url = new URL(callbackUrl);
      edit(url.searchParams);
      return url;
    };
    expect((await expectFlowError(exchange(edited((p) => p.set("state", "forged"))), "invalid_state")).phase).toBe("authorization");
    expect((await expectFlowError(exchange(edited((p) => p.delete("code"))), "oauth_error")).phase).toBe("authorization");
    expect((await expectFlowError(exchange(edited((p) => p.set("code", ""))), "oauth_error")).phase).toBe("authorization");
    const denied = await expectFlowError(exchange(edited((p) => p.set("error", "access_denied"))), "user_cancelled");
    expect(denied.phase).toBe("authorization");
    const stats = (await control("GET", "/stats")) as SandboxStats;
    expect(stats.tokenRequests.byAccount.alice).toBeUndefined();
  });

  it("accepts a response without iss from an issuer that does not announce it (explicit endpoints)", async () => {
    const explicit = sandbox({
      slug: "sandbox-explicit-no-iss",
      authorizationEndpoint: `${bank.issuer}/auth`,
      tokenEndpoint: `${bank.issuer}/token`,
    });
    const { callbackUrl, state, codeVerifier } = await authorize(explicit);
    const withoutIss = new URL(callbackUrl);
    withoutIss.searchParams.delete("iss");
    await expect(
      exchangeAuthorizationCode(explicit, { callbackUrl: withoutIss, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
    ).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it("reports revocation as failed, without throwing, when the provider cannot be set up", async () => {
    const down = sandbox({ slug: "down-revocation", issuer: `http://127.0.0.1:${await closedPort()}` });
    expect(await revokeToken(down, "token", "refresh_token")).toBe("failed");
    expect(await revokeToken(sandbox({ slug: "evil-revocation", issuer: "http://bank.example" }), "token", "access_token")).toBe("failed");
  });
});

describe("token lifetimes as providers send them", () => {
  /** A token endpoint that answers every refresh with `body`. */
  async function tokenEndpoint(body: Record<string, unknown>) {
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(JSON.stringify({ access_token: "at-stub", token_type: "Bearer", ...body }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { server, provider: sandbox({ slug: `stub-${port}`, issuer: undefined, authorizationEndpoint: `http://127.0.0.1:${port}/auth`, tokenEndpoint: `http://127.0.0.1:${port}/token` }) };
  }

  async function refreshWith(body: Record<string, unknown>): Promise<TokenSet> {
    const { server, provider } = await tokenEndpoint(body);
    try {
      return await refreshAccessToken(provider, "rt-stub");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("turns seconds into instants, numbers or digit strings alike", async () => {
    vi.useFakeTimers({ now: new Date("2026-12-01T10:00:00Z"), toFake: ["Date"] });
    const tokens = await refreshWith({ expires_in: 3600, refresh_token: "rt-next", refresh_token_expires_in: "86400", scope: "accounts" });
    expect(tokens).toEqual({
      accessToken: "at-stub",
      refreshToken: "rt-next",
      accessTokenExpiresAt: new Date("2026-12-01T11:00:00Z"),
      refreshTokenExpiresAt: new Date("2026-12-02T10:00:00Z"),
      scope: "accounts",
      tokenType: "bearer",
    });
    expect((await refreshWith({ expires_in: 0, refresh_token_expires_in: 0 })).refreshTokenExpiresAt).toEqual(new Date("2026-12-01T10:00:00Z"));
  });

  it("keeps no expiry it cannot read, and no refresh token or scope that was not sent", async () => {
    for (const refresh_token_expires_in of ["-5", "1e3", "3600s", " 60", "", -5, null, true, "Infinity", "9".repeat(400)]) {
      const tokens = await refreshWith({ expires_in: 60, refresh_token_expires_in });
      expect(tokens.refreshTokenExpiresAt, JSON.stringify(refresh_token_expires_in)).toBeNull();
    }
    expect(await refreshWith({})).toMatchObject({ refreshToken: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null, scope: null });
  });
});

describe("iss, with and without a configured issuer", () => {
  it("ignores iss when no issuer is configured: there is nothing to compare it with", async () => {
    const explicit = sandbox({
      slug: "sandbox-explicit-any-iss",
      issuer: undefined,
      authorizationEndpoint: `${bank.issuer}/auth`,
      tokenEndpoint: `${bank.issuer}/token`,
    });
    const { callbackUrl, state, codeVerifier } = await authorize(explicit);
    const otherIss = new URL(callbackUrl);
    otherIss.searchParams.set("iss", "https://elsewhere.example");
    await expect(
      exchangeAuthorizationCode(explicit, { callbackUrl: otherIss, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
    ).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it("refuses a missing iss itself when the issuer announces it, before any token request", async () => {
    const { callbackUrl, state, codeVerifier } = await authorize(sandbox());
    const withoutIss = new URL(callbackUrl);
    withoutIss.searchParams.delete("iss");
    const error = await expectFlowError(
      exchangeAuthorizationCode(sandbox(), { callbackUrl: withoutIss, expectedState: state, codeVerifier, redirectUri: REDIRECT_URI }),
      "invalid_state",
    );
    expect(error.phase).toBe("authorization");
    const stats = (await control("GET", "/stats")) as SandboxStats;
    expect(stats.tokenRequests.byAccount.alice).toBeUndefined();
  });
});
