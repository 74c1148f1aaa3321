import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

import { accountsApi } from "./accounts-api";
import { controlApi } from "./control-api";
import { interactionRoutes } from "./interaction";
import { type KoaMiddleware, sendHtml } from "./koa-types";
import { SandboxStore } from "./memory-store";
import { homePage } from "./pages";
import {
  AUTHORIZATION_PATH,
  providerConfiguration,
  REVOCATION_PATH,
  type SandboxClient,
  SUPPORTED_SCOPES,
  TOKEN_PATH,
} from "./provider-config";
import { SandboxState } from "./state";
import { tokenGate } from "./token-gate";

export interface SandboxBankOptions {
  /** e.g. "http://localhost:3001"; no path. With port 0 the real port replaces the issuer's. */
  issuer: string;
  /** Port to listen on; defaults to the issuer's. 0 picks a free one. */
  port?: number;
  /** Interface to listen on; defaults to all (Node's default). */
  host?: string;
  clients: SandboxClient[];
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Hard lifetime of a refresh token and its grant, rotation included. Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /** Access token lifetime for the "short-lived tokens" outcome. Default 60. */
  shortLivedAccessTokenTtlSeconds?: number;
  /** How long the token endpoint (and the accounts API) stall for the "slow" outcome. Default 15000. */
  slowResponseMs?: number;
  /** Bearer token protecting /sandbox/control. */
  controlSecret: string;
  /** Suppresses the start-up line. */
  quiet?: boolean;
}

export interface SandboxBank {
  issuer: string;
  port: number;
  /** The address it listens on (loopback in development, lib/env.ts DEV_HOST). */
  address: string;
  close(): Promise<void>;
}

/** Starts the Sandbox Bank: a real OAuth 2.0 / OpenID provider with switchable failures. */
export async function startSandboxBank(options: SandboxBankOptions): Promise<SandboxBank> {
  const configured = parseIssuer(options.issuer);
  if (options.clients.length === 0) throw new Error("Sandbox Bank: at least one client is required");
  if (!options.controlSecret) throw new Error("Sandbox Bank: controlSecret must not be empty");

  const requestedPort = options.port ?? Number(configured.port || (configured.protocol === "https:" ? 443 : 80));
  const server = createServer();
  await listen(server, requestedPort, options.host);
  const { port, address } = server.address() as AddressInfo;
  if (requestedPort === 0) configured.port = String(port);
  const issuer = configured.origin;

  const shutdown = new AbortController();
  try {
    server.on("request", createProvider(issuer, options, shutdown.signal).callback());
  } catch (error) {
    server.close();
    throw error;
  }

  if (!options.quiet) {
    console.info(`Sandbox Bank ready at ${issuer} (discovery: ${issuer}/.well-known/openid-configuration)`);
  }

  return {
    issuer,
    address,
    port,
    close: () => {
      shutdown.abort();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      return closed;
    },
  };
}

/** oidc-provider plus the sandbox's own routes, which run before its router. */
function createProvider(issuer: string, options: SandboxBankOptions, shutdown: AbortSignal): Provider {
  const state = new SandboxState();
  const store = new SandboxStore();
  const provider = new Provider(
    issuer,
    providerConfiguration({
      clients: options.clients,
      state,
      store,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 24 * 3600,
    }),
  );
  // An https issuer means a TLS-terminating proxy sits in front of this plain-http server.
  provider.proxy = issuer.startsWith("https:");

  provider.use(controlApi({ state, store, controlSecret: options.controlSecret }));
  provider.use(freshSessions(provider.cookieName("session")));
  provider.use(
    tokenGate({
      provider,
      state,
      store,
      tokenPath: TOKEN_PATH,
      revocationPath: REVOCATION_PATH,
      slowResponseMs: options.slowResponseMs ?? 15_000,
      shutdown,
    }),
  );
  provider.use(accountsApi({ provider, state, slowResponseMs: options.slowResponseMs ?? 15_000, shutdown }));
  provider.use(
    interactionRoutes({
      provider,
      state,
      supportedScopes: SUPPORTED_SCOPES,
      shortLivedAccessTokenTtlSeconds: options.shortLivedAccessTokenTtlSeconds ?? 60,
    }),
  );
  provider.use(async (ctx, next) => {
    if (ctx.method === "GET" && ctx.path === "/") return sendHtml(ctx, 200, homePage(issuer));
    return next();
  });
  return provider;
}

function parseIssuer(value: string): URL {
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`Sandbox Bank: the issuer must be an http(s) URL, got ${value}`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new Error(`Sandbox Bank: the issuer must be an origin without a path, got ${value}`);
  }
  return url;
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) => {
      reject(new Error(`Sandbox Bank could not listen on port ${port}`, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
}

/**
 * The bank never remembers a sign-in: the authorization endpoint (and its
 * resume step) never sees the session cookie, so the person always gets the
 * page and can pick a login and an outcome per connection, and a new login
 * never runs into the previous one's session.
 */
function freshSessions(sessionCookie: string): KoaMiddleware {
  return async (ctx, next) => {
    const cookies = ctx.req.headers.cookie;
    const authorization = ctx.path === AUTHORIZATION_PATH || ctx.path.startsWith(`${AUTHORIZATION_PATH}/`);
    if (authorization && cookies) {
      const kept = cookies
        .split(";")
        .map((part) => part.trim())
        .filter((part) => {
          const equals = part.indexOf("=");
          const name = equals === -1 ? part : part.slice(0, equals);
          return name !== sessionCookie && !name.startsWith(`${sessionCookie}.`);
        });
      if (kept.length) ctx.req.headers.cookie = kept.join("; ");
      else delete ctx.req.headers.cookie;
    }
    return next();
  };
}
