import { isIP } from "node:net";

/** Where this deployment's requests come from, as far as the client's address goes. */
export interface ProxySetup {
  /** On Vercel the platform overwrites X-Forwarded-For (and sets X-Real-IP) with the client's address. */
  onVercel: boolean;
  /** Self-hosted: how many proxies in front of the app append to X-Forwarded-For (0 = none). */
  trustedProxyCount: number;
}

function address(value: string | null | undefined): string | null {
  const candidate = value?.trim();
  return candidate && isIP(candidate) ? candidate : null;
}

/**
 * The client's IP address, or null when it cannot be known. Never a value the client chose:
 * - Vercel: `X-Real-IP` / the single `X-Forwarded-For` value the platform writes.
 * - Self-hosted behind N proxies: each appends the address it received the request from, so
 *   the N-th entry from the right is what the outermost trusted proxy saw; anything left of
 *   it is the client's own claim. Fewer entries than N means the request skipped a proxy.
 * - No proxy (`next start` facing the network): Next keeps a client's X-Forwarded-For rather
 *   than writing the socket's address over it, so the header proves nothing: null.
 */
export function clientIpFromHeaders(headers: Headers, setup: ProxySetup): string | null {
  if (setup.onVercel) {
    return address(headers.get("x-real-ip")) ?? address(headers.get("x-vercel-forwarded-for")) ?? address(headers.get("x-forwarded-for"));
  }
  if (setup.trustedProxyCount < 1) return null;
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  if (hops.length < setup.trustedProxyCount) return null;
  return address(hops[hops.length - setup.trustedProxyCount]);
}
