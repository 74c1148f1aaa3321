import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  clearClientConfigurations,
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  type OAuthProviderConfig,
} from "../oauth-client";
import { authorizeInSandboxBank, type SandboxChoice, type SandboxCookieJar } from "./consent-driver";
import { sandboxAccountsFor } from "./sandbox-accounts";
import { type SandboxBank, startSandboxBank } from "./server";
import type { SandboxStats } from "./state";

const REDIRECT_URI = "http://localhost:3000/connections/callback/sandbox-bank";
const CLIENT = { clientId: "ledgerlink", clientSecret: "client-secret-value", redirectUris: [REDIRECT_URI] };
const CONTROL_SECRET = "control-secret-value";

let bank: SandboxBank;
let provider: OAuthProviderConfig;

beforeAll(async () => {
  bank = await startSandboxBank({ issuer: "http://localhost:0", clients: [CLIENT], controlSecret: CONTROL_SECRET, quiet: true });
  provider = {
    slug: "sandbox-bank",
    name: "Sandbox Bank",
    issuer: bank.issuer,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    scopes: ["openid", "offline_access", "accounts"],
    tokenAuth: "client_secret_basic",
  };
});
afterAll(async () => {
  clearClientConfigurations();
  await bank.close();
});
beforeEach(() => control("POST", "/reset"));

function control(method: string, path: string, init: { body?: string; token?: string | null } = {}) {
  const token = init.token === undefined ? CONTROL_SECRET : init.token;
  return fetch(`${bank.issuer}/sandbox/control${path}`, {
    method,
    headers: { ...(token !== null && { authorization: `Bearer ${token}` }), "content-type": "application/json" },
    body: init.body,
  });
}

async function stats(): Promise<SandboxStats> {
  return (await control("GET", "/stats")).json() as Promise<SandboxStats>;
}

function tokenRequest(params: Record<string, string>) {
  return fetch(`${bank.issuer}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(params),
  });
}

async function connect(choice: SandboxChoice = {}) {
  const request = await createAuthorizationRequest(provider, { redirectUri: REDIRECT_URI });
  const callbackUrl = await authorizeInSandboxBank(request.url, choice);
  return exchangeAuthorizationCode(provider, {
    callbackUrl,
    expectedState: request.state,
    codeVerifier: request.codeVerifier,
    redirectUri: REDIRECT_URI,
  });
}

/** Opens the consent page of a fresh authorization request, as a browser would. */
async function openConsentPage(extra: Record<string, string> = {}) {
  const { url } = await createAuthorizationRequest(provider, { redirectUri: REDIRECT_URI });
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  const start = await fetch(url, { redirect: "manual" });
  const pageUrl = new URL(start.headers.get("location")!, url);
  const cookie = start.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const page = await fetch(pageUrl, { headers: { cookie } });
  return { pageUrl, cookie, page, html: await page.text() };
}

describe("discovery", () => {
  it("publishes the endpoints, S256 PKCE, iss in responses and revocation", async () => {
    const response = await fetch(`${bank.issuer}/.well-known/openid-configuration`);
    expect(await response.json()).toMatchObject({
      issuer: bank.issuer,
      authorization_endpoint: `${bank.issuer}/auth`,
      token_endpoint: `${bank.issuer}/token`,
      revocation_endpoint: `${bank.issuer}/token/revocation`,
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ["code"],
      scopes_supported: ["openid", "offline_access", "accounts"],
    });
    expect(bank.issuer).toBe(`http://localhost:${bank.port}`);
  });

  it("refuses an issuer with a path", async () => {
    await expect(
      startSandboxBank({ issuer: "http://localhost:0/bank", clients: [CLIENT], controlSecret: "x", quiet: true }),
    ).rejects.toThrow(/without a path/);
  });
});

describe("authorization endpoint", () => {
  it("refuses a request without PKCE", async () => {
    const url = new URL(`${bank.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: CLIENT.clientId,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: "openid accounts",
      state: "some-state",
    }).toString();
    const response = await fetch(url, { redirect: "manual" });
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
  });

  it("asks every time, even in the same browser, and takes a new login", async () => {
    const cookies: SandboxCookieJar = [];
    await connect({ username: "alice", cookies });
    await connect({ username: "bob", cookies });
    expect(Object.keys((await stats()).tokenRequests.byAccount).sort()).toEqual(["alice", "bob"]);
  });
});

describe("consent page", () => {
  it("is an accessible form with a username, the outcomes and two buttons", async () => {
    const { page, html } = await openConsentPage();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toContain("<title>Sandbox Bank</title>");
    expect(html).toMatch(/<label for="username">Username<\/label>/);
    expect(html).toMatch(/<input type="text" id="username" name="username" value="alice"/);
    expect(html).toContain("<legend>Outcome</legend>");
    for (const [value, label] of [
      ["approve", "Approve (normal tokens)"],
      ["short_lived", "Approve with short-lived tokens"],
      ["token_error", "Token endpoint error"],
      ["invalid_client", "Reject client credentials"],
      ["unavailable", "Bank unavailable (503)"],
      ["slow", "Slow token response"],
    ]) {
      expect(html).toContain(`id="outcome-${value}" name="outcome" value="${value}"`);
      expect(html).toContain(`<label for="outcome-${value}">${label}</label>`);
    }
    expect(html).toMatch(/value="approve" checked/);
    expect(html).toContain("<legend>Accounts API</legend>");
    for (const [value, label] of [
      ["ok", "Accounts API works"],
      ["error", "Accounts API fails (500)"],
      ["rate_limited", "Accounts API rate-limited (429)"],
      ["slow", "Accounts API slow"],
    ]) {
      expect(html).toContain(`id="accounts-${value}" name="accounts" value="${value}"`);
      expect(html).toContain(`<label for="accounts-${value}">${label}</label>`);
    }
    expect(html).toMatch(/name="accounts" value="ok" checked/);
    expect(html.match(/ checked/g)).toHaveLength(2);
    expect(html).toContain('<button type="submit" name="action" value="continue">Continue</button>');
    expect(html).toMatch(/<button type="submit" name="action" value="deny"[^>]*>Deny<\/button>/);
    expect(html).not.toContain("<script");
  });

  it("prefills the login_hint", async () => {
    const { html } = await openConsentPage({ login_hint: "bob" });
    expect(html).toContain('name="username" value="bob"');
  });

  it("re-renders with an alert for an invalid username", async () => {
    const { pageUrl, cookie } = await openConsentPage();
    const response = await fetch(pageUrl, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "<b>", outcome: "approve", action: "continue" }),
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/<p role="alert">Enter a username/);
    expect(html).toContain('value="&#60;b&#62;"');
  });

  it("refuses an outcome it does not offer, and ignores an accounts choice it does not offer", async () => {
    const { pageUrl, cookie } = await openConsentPage();
    const post = (fields: Record<string, string>) =>
      fetch(pageUrl, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "gwen", action: "continue", ...fields }),
      });
    const refused = await post({ outcome: "explode" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<p role="alert">Choose one of the outcomes\.<\/p>/);
    expect((await post({ outcome: "approve", accounts: "explode" })).status).toBe(303);
    expect(await (await control("GET", "/accounts/gwen")).json()).toEqual({ login: "gwen", tokenEndpoint: "ok" });
  });

  it("remembers the accounts API choice for the login", async () => {
    const { pageUrl, cookie } = await openConsentPage();
    const response = await fetch(pageUrl, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "hana", outcome: "approve", accounts: "rate_limited", action: "continue" }),
    });
    expect(response.status).toBe(303);
    expect(await (await control("GET", "/accounts/hana")).json()).toMatchObject({ login: "hana", accountsApi: "rate_limited" });
  });

  it("explains an expired sign-in", async () => {
    const response = await fetch(`${bank.issuer}/interaction/unknown-uid`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('role="alert"');
  });

  it("remembers the outcome as the account's token endpoint mode", async () => {
    const request = await createAuthorizationRequest(provider, { redirectUri: REDIRECT_URI });
    await authorizeInSandboxBank(request.url, { username: "carol", outcome: "unavailable" });
    const response = await control("GET", "/accounts/carol");
    expect(await response.json()).toEqual({ login: "carol", tokenEndpoint: "unavailable" });
  });
});

describe("token endpoint", () => {
  it("counts failed requests too", async () => {
    const response = await tokenRequest({ grant_type: "authorization_code", code: "bogus", redirect_uri: REDIRECT_URI });
    expect(response.status).toBe(400);
    expect((await stats()).tokenRequests).toEqual({ total: 1, authorizationCode: 1, refreshToken: 0, byAccount: {} });
  });

  it("sends refresh_token_expires_in and rotates on refresh", async () => {
    const tokens = await connect({ username: "dora" });
    const response = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refreshToken! });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body.refresh_token).not.toBe(tokens.refreshToken);
    expect(body.refresh_token_expires_in).toBeGreaterThan(29 * 86400);
    expect((await stats()).tokenRequests.byAccount.dora).toEqual({ authorizationCode: 1, refreshToken: 1 });
  });
});

describe("control API", () => {
  it("requires the bearer secret", async () => {
    const missing = await control("GET", "/stats", { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await control("POST", "/reset", { token: "wrong" })).status).toBe(401);
    expect((await control("POST", "/accounts/alice/revoke", { token: null })).status).toBe(401);
  });

  it("validates account settings", async () => {
    expect((await control("POST", "/accounts/erin", { body: '{"tokenEndpoint":"sometimes"}' })).status).toBe(400);
    expect((await control("POST", "/accounts/erin", { body: "not json" })).status).toBe(400);
    const ok = await control("POST", "/accounts/erin", { body: '{"tokenEndpoint":"ok","accessTokenTtlSeconds":30}' });
    expect(await ok.json()).toEqual({ login: "erin", tokenEndpoint: "ok", accessTokenTtlSeconds: 30 });
    expect((await control("GET", "/nowhere")).status).toBe(404);
  });

  it("resets stats and account modes", async () => {
    await control("POST", "/accounts/frank", { body: '{"tokenEndpoint":"slow"}' });
    await tokenRequest({ grant_type: "refresh_token", refresh_token: "bogus" });
    await control("POST", "/reset");
    expect((await stats()).tokenRequests.total).toBe(0);
    expect(await (await control("GET", "/accounts/frank")).json()).toEqual({ login: "frank", tokenEndpoint: "ok" });
  });
});

it("closes promptly with a slow token request in flight", async () => {
  const slowBank = await startSandboxBank({
    issuer: "http://localhost:0",
    clients: [CLIENT],
    controlSecret: CONTROL_SECRET,
    slowResponseMs: 10_000,
    quiet: true,
  });
  const slowProvider = { ...provider, slug: "slow-bank", issuer: slowBank.issuer };
  const request = await createAuthorizationRequest(slowProvider, { redirectUri: REDIRECT_URI });
  const callbackUrl = await authorizeInSandboxBank(request.url, { outcome: "slow" });
  const pending = exchangeAuthorizationCode(slowProvider, {
    callbackUrl,
    expectedState: request.state,
    codeVerifier: request.codeVerifier,
    redirectUri: REDIRECT_URI,
  }).catch((error: unknown) => error);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await slowBank.close();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await pending).toMatchObject({ code: "provider_unavailable" });
});

describe("accounts API (GET /fdx/v6/accounts)", () => {
  const accounts = (token?: string) =>
    fetch(`${bank.issuer}/fdx/v6/accounts`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("answers a valid token with the login's stable FDX accounts, and counts it", async () => {
    const tokens = await connect({ username: "fdx-alice" });
    const response = await accounts(tokens.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(sandboxAccountsFor("fdx-alice"));
    expect((await stats()).accountsRequests).toEqual({ total: 1, ok: 1, unauthorized: 0, byAccount: { "fdx-alice": { ok: 1, unauthorized: 0 } } });
  });

  it("refuses a missing, unknown or revoked token with 401 invalid_token", async () => {
    const tokens = await connect({ username: "fdx-bob" });
    expect((await accounts()).status).toBe(401);
    const unknown = await accounts("not-a-token");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await control("POST", "/accounts/fdx-bob/revoke");
    expect((await accounts(tokens.accessToken)).status).toBe(401);
    expect((await stats()).accountsRequests.unauthorized).toBe(3);
  });

  it("fails on request: 500, 429 with Retry-After, malformed bodies", async () => {
    const tokens = await connect({ username: "fdx-cleo" });
    const set = (accountsApi: string) =>
      control("POST", "/accounts/fdx-cleo", { body: JSON.stringify({ tokenEndpoint: "ok", accountsApi }) });
    await set("error");
    expect((await accounts(tokens.accessToken)).status).toBe(500);
    await set("rate_limited");
    const limited = await accounts(tokens.accessToken);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "1"]);
    await set("string_balances");
    const body = (await (await accounts(tokens.accessToken)).json()) as { accounts: Record<string, { currentBalance: unknown }>[] };
    expect(typeof Object.values(body.accounts[0]!)[0]!.currentBalance).toBe("string");
    await set("not_json");
    await expect((await accounts(tokens.accessToken)).json()).rejects.toThrow();
  });

  it("answers a well-formed list of no accounts on request (empty)", async () => {
    const tokens = await connect({ username: "fdx-dora" });
    await control("POST", "/accounts/fdx-dora", { body: JSON.stringify({ tokenEndpoint: "ok", accountsApi: "empty" }) });
    const answer = await accounts(tokens.accessToken);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ page: { totalElements: 0 }, accounts: [] });
  });
});
