/**
 * Per-request context (request id, correlation id, IP, user agent, actor) carried by
 * AsyncLocalStorage, so events and log lines get it without threading it through every
 * call, and concurrent requests never see each other's.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

import { env } from "./env";
import { clientIpFromHeaders } from "./client-ip";

export type Actor = { type: "user"; userId: string } | { type: "system" };

export interface RequestContext {
  requestId: string;
  /** Set while an event's handlers run (lib/events/dispatcher.ts), so their log lines carry it. */
  correlationId?: string;
  ipAddress: string | null;
  userAgent: string | null;
  actor: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithRequestContext<T>(context: Partial<RequestContext>, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run(
    {
      requestId: context.requestId ?? parent?.requestId ?? randomUUID(),
      correlationId: context.correlationId ?? parent?.correlationId,
      ipAddress: context.ipAddress !== undefined ? context.ipAddress : (parent?.ipAddress ?? null),
      userAgent: context.userAgent !== undefined ? context.userAgent : (parent?.userAgent ?? null),
      actor: context.actor ?? parent?.actor ?? { type: "system" },
    },
    fn,
  );
}

/**
 * Reads the client's address and device from request headers. The address is only what
 * the deployment's trusted proxies vouch for (lib/http/client-ip.ts; README "Security"),
 * never a header the client wrote: unknown (null) when nothing vouches for it. The request
 * id is the one proxy.ts set.
 */
export function contextFromHeaders(headers: Headers): Pick<RequestContext, "requestId" | "ipAddress" | "userAgent"> {
  return {
    requestId: headers.get("x-request-id") ?? randomUUID(),
    ipAddress: clientIpFromHeaders(headers, { onVercel: !!env.VERCEL, trustedProxyCount: env.TRUSTED_PROXY_COUNT }),
    userAgent: headers.get("user-agent"),
  };
}
