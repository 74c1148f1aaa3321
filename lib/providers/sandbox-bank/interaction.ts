import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";

import { type KoaMiddleware, sendHtml } from "./koa-types";
import { consentPage, isChoice, messagePage, type Outcome } from "./pages";
import { BodyTooLargeError, readRequestBody } from "./request-body";
import type { AccountSettings, SandboxState } from "./state";

/** Login names double as account ids (`sub`) and appear in URLs of the control API. */
export const LOGIN_PATTERN = /^[A-Za-z0-9._@+-]{1,64}$/;
const DEFAULT_LOGIN = "alice";
const FORM_LIMIT = 16 * 1024;

export interface InteractionOptions {
  provider: Provider;
  state: SandboxState;
  supportedScopes: readonly string[];
  shortLivedAccessTokenTtlSeconds: number;
}

/**
 * `GET|POST /interaction/:uid` — the one page of the bank: a login name and an
 * outcome, then Continue (sign in and grant every requested scope) or Deny
 * (the client receives `error=access_denied`).
 */
export function interactionRoutes(options: InteractionOptions): KoaMiddleware {
  const { provider, state } = options;
  return async (ctx, next) => {
    const uid = /^\/interaction\/([\w-]+)$/.exec(ctx.path)?.[1];
    if (!uid) return next();
    if (ctx.method !== "GET" && ctx.method !== "POST") {
      ctx.set("Allow", "GET, POST");
      ctx.status = 405;
      return;
    }

    const details = await provider.interactionDetails(ctx.req, ctx.res).catch(() => undefined);
    if (!details || details.uid !== uid) {
      const message = "This sign-in request has expired or was already used.";
      return sendHtml(ctx, 400, messagePage("Sign-in expired", message));
    }
    const clientId = String(details.params.client_id);
    const scopes = String(details.params.scope ?? "")
      .split(" ")
      .filter((scope) => options.supportedScopes.includes(scope));
    const render = (status: number, username: string, outcome: Outcome, error?: string) =>
      sendHtml(ctx, status, consentPage({ action: ctx.path, clientId, scopes, username, outcome, error }));

    if (ctx.method === "GET") {
      const hint = details.params.login_hint;
      const username = typeof hint === "string" && LOGIN_PATTERN.test(hint) ? hint : DEFAULT_LOGIN;
      return render(200, username, "approve");
    }

    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readRequestBody(ctx.req, FORM_LIMIT));
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return render(413, DEFAULT_LOGIN, "approve", "The form was too large.");
    }

    let result: InteractionResults;
    if (form.get("action") === "deny") {
      result = { error: "access_denied", error_description: "The account holder denied access." };
    } else {
      const username = (form.get("username") ?? "").trim();
      const outcome = form.get("outcome") ?? "approve";
      if (!isChoice("outcome", outcome)) {
        return render(400, username, "approve", "Choose one of the outcomes.");
      }
      if (!LOGIN_PATTERN.test(username)) {
        const message = "Enter a username of 1 to 64 letters, digits or . _ @ + -";
        return render(400, username, outcome, message);
      }
      const accounts = form.get("accounts");
      state.configure(username, {
        ...settingsFor(outcome, options.shortLivedAccessTokenTtlSeconds),
        ...(isChoice("accounts", accounts) && accounts !== "ok" ? { accountsApi: accounts } : {}),
      });
      const grant = new provider.Grant({ accountId: username, clientId });
      grant.addOIDCScope(scopes);
      result = { login: { accountId: username, remember: false }, consent: { grantId: await grant.save() } };
    }

    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  };
}

function settingsFor(outcome: Outcome, shortLivedTtl: number): AccountSettings {
  switch (outcome) {
    case "approve":
      return { tokenEndpoint: "ok" };
    case "short_lived":
      return { tokenEndpoint: "ok", accessTokenTtlSeconds: shortLivedTtl };
    default:
      return { tokenEndpoint: outcome };
  }
}
