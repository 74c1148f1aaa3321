import { NextResponse, type NextRequest } from "next/server";

import { env } from "@/lib/env";
import { getProviders } from "@/lib/providers/get-providers";
import { originsOf, securityHeaders } from "@/lib/http/security-headers";

let formTargets: string[] | undefined;

/**
 * Every request gets an id that log lines and events carry (always ours: a client's is not
 * trusted), and every response the security headers. The Content-Security-Policy is also
 * set on the request: Next reads its nonce there and puts it on the scripts it renders.
 */
export function proxy(request: NextRequest) {
  formTargets ??= originsOf(getProviders().providers.flatMap((p) => [p.issuer, p.authorizationEndpoint]));
  const security = securityHeaders({ appUrl: env.APP_URL, formTargets });
  const headers = new Headers(request.headers);
  const requestId = crypto.randomUUID();
  headers.set("x-request-id", requestId);
  headers.set("content-security-policy", security.get("content-security-policy") ?? "");
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  for (const [name, value] of security) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
