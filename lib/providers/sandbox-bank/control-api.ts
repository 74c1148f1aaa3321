import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

import { LOGIN_PATTERN } from "./interaction";
import { type KoaContext, type KoaMiddleware, sendJson } from "./koa-types";
import type { SandboxStore } from "./memory-store";
import { readRequestBody } from "./request-body";
import { ACCOUNTS_API_MODES, REVOCATION_ENDPOINT_MODES, type SandboxState, TOKEN_ENDPOINT_MODES } from "./state";

export const CONTROL_PREFIX = "/sandbox/control";
const BODY_LIMIT = 16 * 1024;

const accountSettingsSchema = z.object({
  tokenEndpoint: z.enum(TOKEN_ENDPOINT_MODES),
  accessTokenTtlSeconds: z.number().int().positive().optional(),
  accountsApi: z.enum(ACCOUNTS_API_MODES).optional(),
  revocationEndpoint: z.enum(REVOCATION_ENDPOINT_MODES).optional(),
});

export interface ControlApiOptions {
  state: SandboxState;
  store: SandboxStore;
  controlSecret: string;
}

/**
 * `/sandbox/control/*` — a JSON API for tests and for people trying failures,
 * behind `Authorization: Bearer <controlSecret>`:
 * - `GET  /stats`, `POST /reset`
 * - `GET|POST /accounts/:login` (body `{ tokenEndpoint, accessTokenTtlSeconds?, accountsApi?, revocationEndpoint? }`)
 * - `POST /accounts/:login/revoke`
 */
export function controlApi(options: ControlApiOptions): KoaMiddleware {
  const expected = digest(options.controlSecret);
  return async (ctx, next) => {
    if (ctx.path !== CONTROL_PREFIX && !ctx.path.startsWith(`${CONTROL_PREFIX}/`)) return next();

    const presented = /^Bearer (.+)$/i.exec(ctx.get("authorization"))?.[1];
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      ctx.set("WWW-Authenticate", 'Bearer realm="sandbox-control"');
      return sendJson(ctx, 401, { error: "unauthorized", message: "Send Authorization: Bearer <controlSecret>." });
    }
    await route(options, ctx, ctx.path.slice(CONTROL_PREFIX.length));
  };
}

async function route({ state, store }: ControlApiOptions, ctx: KoaContext, path: string) {
  const { method } = ctx;
  if (path === "/stats" && method === "GET") return sendJson(ctx, 200, state.stats());
  if (path === "/reset" && method === "POST") {
    state.reset();
    return sendJson(ctx, 200, { ok: true });
  }

  const match = /^\/accounts\/([^/]+)(\/revoke)?$/.exec(path);
  const login = match ? safeDecode(match[1]!) : null;
  if (!match || login === null) return sendJson(ctx, 404, { error: "not_found" });
  if (!LOGIN_PATTERN.test(login)) return sendJson(ctx, 400, { error: "invalid_login" });

  if (match[2] && method === "POST") {
    const grantIds = store.grantIdsForAccount(login);
    for (const grantId of grantIds) store.revokeGrant(grantId);
    return sendJson(ctx, 200, { login, revokedGrants: grantIds.length });
  }
  if (!match[2] && method === "GET") return sendJson(ctx, 200, { login, ...state.settingsFor(login) });
  if (!match[2] && method === "POST") {
    let body: unknown;
    try {
      body = JSON.parse(await readRequestBody(ctx.req, BODY_LIMIT));
    } catch {
      return sendJson(ctx, 400, { error: "invalid_json" });
    }
    const parsed = accountSettingsSchema.safeParse(body);
    if (!parsed.success) {
      return sendJson(ctx, 400, { error: "invalid_body", issues: z.flattenError(parsed.error).fieldErrors });
    }
    state.configure(login, parsed.data);
    return sendJson(ctx, 200, { login, ...parsed.data });
  }
  ctx.set("Allow", match[2] ? "POST" : "GET, POST");
  return sendJson(ctx, 405, { error: "method_not_allowed" });
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
