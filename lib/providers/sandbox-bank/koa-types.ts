import type Provider from "oidc-provider";

/** oidc-provider is a Koa app; these are its middleware types without a direct `koa` import. */
export type KoaMiddleware = Parameters<Provider["use"]>[0];
export type KoaContext = Parameters<KoaMiddleware>[0];

export function sendJson(ctx: KoaContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set("Cache-Control", "no-store");
  ctx.type = "application/json";
  ctx.body = JSON.stringify(body);
}

export function sendHtml(ctx: KoaContext, status: number, html: string): void {
  ctx.status = status;
  ctx.set("Cache-Control", "no-store");
  // Inline styles only; no scripts, no frames. (form-action is left open on purpose:
  // the consent form's redirect chain ends at the client's redirect URI.)
  ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  ctx.type = "text/html; charset=utf-8";
  ctx.body = html;
}
