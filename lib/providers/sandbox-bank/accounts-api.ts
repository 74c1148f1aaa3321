import { setTimeout as sleep } from "node:timers/promises";
import type Provider from "oidc-provider";

import { type KoaContext, type KoaMiddleware, sendJson } from "./koa-types";
import { sandboxAccountsFor } from "./sandbox-accounts";
import type { SandboxState } from "./state";

export const ACCOUNTS_PATH = "/fdx/v6/accounts";
/** The scope a token needs to read accounts (the app asks for it). */
const ACCOUNTS_SCOPE = "accounts";

export interface AccountsApiOptions {
  provider: Provider;
  state: SandboxState;
  slowResponseMs: number;
  shutdown: AbortSignal;
}

/**
 * `GET /fdx/v6/accounts` with `Authorization: Bearer <access token>`. The token is looked up
 * in the bank's own token store: an unknown, expired or revoked one (a revoked grant takes
 * its tokens with it) gets 401 with `WWW-Authenticate: Bearer error="invalid_token"`
 * (RFC 6750 §3.1). Each answer is counted in the control API's stats.
 */
export function accountsApi(options: AccountsApiOptions): KoaMiddleware {
  return async (ctx, next) => {
    if (ctx.path !== ACCOUNTS_PATH) return next();
    if (ctx.method !== "GET") {
      ctx.set("Allow", "GET");
      return sendJson(ctx, 405, { code: "405", message: "method not allowed" });
    }
    const presented = /^Bearer ([\x21-\x7e]+)$/i.exec(ctx.get("authorization"))?.[1];
    const token = presented ? await options.provider.AccessToken.find(presented) : undefined;
    if (!token || !token.accountId) {
      options.state.recordAccountsRequest(null, "unauthorized");
      return unauthorized(ctx, "invalid_token", "the access token is missing, expired or revoked");
    }
    const login = token.accountId;
    if (!String(token.scope ?? "").split(" ").includes(ACCOUNTS_SCOPE)) {
      options.state.recordAccountsRequest(login, "other");
      ctx.set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="${ACCOUNTS_SCOPE}"`);
      return sendJson(ctx, 403, { code: "403", message: "the token lacks the accounts scope" });
    }
    return answer(options, ctx, login);
  };
}

async function answer({ state, slowResponseMs, shutdown }: AccountsApiOptions, ctx: KoaContext, login: string) {
  const mode = state.settingsFor(login).accountsApi ?? "ok";
  if (mode === "error") {
    state.recordAccountsRequest(login, "other");
    return sendJson(ctx, 500, { code: "500", message: "internal server error" });
  }
  if (mode === "rate_limited") {
    state.recordAccountsRequest(login, "other");
    ctx.set("Retry-After", "1");
    return sendJson(ctx, 429, { code: "1207", message: "too many requests" });
  }
  if (mode === "slow") {
    try {
      await sleep(slowResponseMs, undefined, { signal: shutdown });
    } catch {
      return; // shutting down
    }
    if (ctx.req.destroyed) return void state.recordAccountsRequest(login, "other");
  }
  state.recordAccountsRequest(login, "ok");
  const body = sandboxAccountsFor(login);
  switch (mode) {
    case "empty":
      return sendJson(ctx, 200, { page: { totalElements: 0 }, accounts: [] });
    case "not_json":
      ctx.status = 200;
      ctx.type = "application/json";
      ctx.body = "<html>Service temporarily moved</html>";
      return;
    case "missing_fields":
      return sendJson(ctx, 200, { accounts: body.accounts.map(() => ({ depositAccount: { productName: "No id" } })) });
    case "string_balances":
      return sendJson(ctx, 200, {
        accounts: body.accounts.map((wrapped) =>
          Object.fromEntries(Object.entries(wrapped).map(([k, v]) => [k, { ...v, currentBalance: String(v.currentBalance) }])),
        ),
      });
    case "too_many": {
      const one = body.accounts[0]!;
      return sendJson(ctx, 200, { accounts: Array.from({ length: 10_000 }, () => one) });
    }
    default:
      return sendJson(ctx, 200, body);
  }
}

function unauthorized(ctx: KoaContext, error: string, description: string) {
  ctx.set("WWW-Authenticate", `Bearer error="${error}", error_description="${description}"`);
  sendJson(ctx, 401, { code: "401", message: description });
}
