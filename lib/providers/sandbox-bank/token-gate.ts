import { setTimeout as sleep } from "node:timers/promises";
import type Provider from "oidc-provider";

import { type KoaContext, type KoaMiddleware, sendJson } from "./koa-types";
import type { SandboxStore } from "./memory-store";
import { peekRequestBody } from "./request-body";
import type { SandboxState } from "./state";

/** oidc-provider's own limit for form bodies. */
const BODY_LIMIT = 56 * 1024;
const GRANT_ERROR_DETAIL = "sandboxGrantErrorDetail";

export interface TokenGateOptions {
  provider: Provider;
  state: SandboxState;
  store: SandboxStore;
  tokenPath: string;
  revocationPath: string;
  slowResponseMs: number;
  /** Aborted when the server closes, so a "slow" request does not hold it open. */
  shutdown: AbortSignal;
}

/**
 * Runs in front of oidc-provider's token and revocation routes: counts every
 * request, applies the failure mode chosen for the account behind the code or
 * refresh token (before oidc-provider consumes or rotates anything, so a failed
 * refresh can be retried), and adds `refresh_token_expires_in` to responses.
 */
export function tokenGate(options: TokenGateOptions): KoaMiddleware {
  // oidc-provider answers every invalid_grant with "grant request is invalid" and
  // keeps the reason ("refresh token is expired", "… already used") in error_detail;
  // a bank that says which is more useful to try things against.
  options.provider.on("grant.error", (ctx, error) => {
    if (error.error === "invalid_grant" && error.error_detail) ctx.state[GRANT_ERROR_DETAIL] = error.error_detail;
  });
  return async (ctx, next) => {
    if (ctx.method === "POST" && ctx.path === options.tokenPath) {
      return gateTokenRequest(options, ctx, next);
    }
    if (ctx.method === "POST" && ctx.path === options.revocationPath) {
      return recordRevocation(options, ctx, next);
    }
    return next();
  };
}

async function gateTokenRequest(options: TokenGateOptions, ctx: KoaContext, next: () => Promise<unknown>) {
  const params = await formParams(ctx);
  const grantType = params?.get("grant_type") ?? null;
  const { login, revoked } = await resolveAccount(options, grantType, params);
  options.state.recordTokenRequest(grantType, login);

  if (revoked) {
    return oauthError(ctx, 400, "invalid_grant", "refresh token has been revoked");
  }
  switch (options.state.settingsFor(login).tokenEndpoint) {
    case "token_error":
      return oauthError(ctx, 400, "invalid_grant", "the Sandbox Bank was set to refuse this token request");
    case "invalid_client":
      if (ctx.get("authorization")) {
        ctx.set("WWW-Authenticate", `Basic realm="${options.provider.issuer}", error="invalid_client"`);
      }
      return oauthError(ctx, 401, "invalid_client", "client authentication failed");
    case "unavailable":
      return oauthError(ctx, 503, "temporarily_unavailable", "the Sandbox Bank is unavailable");
    case "rate_limited":
      ctx.set("Retry-After", "1");
      return oauthError(ctx, 429, "temporarily_unavailable", "too many requests, retry later");
    case "slow":
      try {
        await sleep(options.slowResponseMs, undefined, { signal: options.shutdown });
      } catch {
        return; // shutting down: the connection is being closed anyway
      }
      if (ctx.req.destroyed) return; // the client gave up waiting
      break;
    case "ok":
      break;
  }

  await next();
  await addRefreshTokenExpiry(options.provider, ctx);
  const detail: unknown = ctx.state[GRANT_ERROR_DETAIL];
  if (typeof detail === "string" && typeof ctx.body === "object" && ctx.body !== null) {
    Object.assign(ctx.body, { error_description: detail });
  }
}

async function recordRevocation(options: TokenGateOptions, ctx: KoaContext, next: () => Promise<unknown>) {
  const params = await formParams(ctx);
  const token = params?.get("token");
  const hint = params?.get("token_type_hint") ?? null;
  let login: string | null = null;
  if (token) {
    const { AccessToken, RefreshToken } = options.provider;
    const found =
      hint === "refresh_token"
        ? ((await RefreshToken.find(token, { ignoreExpiration: true })) ??
          (await AccessToken.find(token, { ignoreExpiration: true })))
        : ((await AccessToken.find(token, { ignoreExpiration: true })) ??
          (await RefreshToken.find(token, { ignoreExpiration: true })));
    login = found?.accountId ?? null;
  }
  options.state.recordRevocation({
    login,
    tokenTypeHint: hint,
    clientId: basicClientId(ctx.get("authorization")) ?? params?.get("client_id") ?? "",
  });
  // Counted above like any other request, then refused before oidc-provider revokes anything.
  if (options.state.settingsFor(login).revocationEndpoint === "unavailable") {
    return oauthError(ctx, 503, "temporarily_unavailable", "the Sandbox Bank was set to refuse revocation");
  }
  await next();
}

async function formParams(ctx: KoaContext): Promise<URLSearchParams | null> {
  if (!ctx.is("application/x-www-form-urlencoded")) return null;
  const body = await peekRequestBody(ctx.req, BODY_LIMIT);
  return body === null ? null : new URLSearchParams(body);
}

async function resolveAccount(
  { provider, store }: TokenGateOptions,
  grantType: string | null,
  params: URLSearchParams | null,
): Promise<{ login: string | null; revoked?: boolean }> {
  if (grantType === "authorization_code") {
    const code = params?.get("code");
    const found = code ? await provider.AuthorizationCode.find(code, { ignoreExpiration: true }) : undefined;
    return { login: found?.accountId ?? null };
  }
  if (grantType === "refresh_token") {
    const value = params?.get("refresh_token");
    if (!value) return { login: null };
    const found = await provider.RefreshToken.find(value, { ignoreExpiration: true });
    if (found) return { login: found.accountId };
    const revoked = store.revokedRefreshToken(value);
    return revoked ? { login: revoked.login, revoked: true } : { login: null };
  }
  return { login: null };
}

/** Tells the client when the (rotated) refresh token stops working, like many banks do. */
async function addRefreshTokenExpiry(provider: Provider, ctx: KoaContext) {
  const body = ctx.body;
  if (ctx.status !== 200 || typeof body !== "object" || body === null) return;
  const value = (body as { refresh_token?: unknown }).refresh_token;
  if (typeof value !== "string") return;
  const token = await provider.RefreshToken.find(value);
  if (token?.exp) {
    Object.assign(body, { refresh_token_expires_in: Math.max(0, token.exp - Math.floor(Date.now() / 1000)) });
  }
}

function oauthError(ctx: KoaContext, status: number, error: string, description: string) {
  sendJson(ctx, status, { error, error_description: description });
}

function basicClientId(header: string): string | null {
  const [scheme, credentials] = header.split(" ");
  if (scheme?.toLowerCase() !== "basic" || !credentials) return null;
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) return null;
  try {
    // RFC 6749 §2.3.1: the id is form-encoded before Basic encoding.
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
  } catch {
    return null;
  }
}
