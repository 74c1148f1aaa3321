/**
 * A client for the Sandbox Bank's control API (`/sandbox/control`), used by the tests,
 * the benchmarks and anyone who wants to make the bank misbehave on purpose.
 */
import type { AccountsApiMode, RevocationEndpointMode, SandboxStats, TokenEndpointMode } from "./state";

export interface SandboxControl {
  stats(): Promise<SandboxStats>;
  setAccount(
    login: string,
    settings: { tokenEndpoint: TokenEndpointMode; accessTokenTtlSeconds?: number; accountsApi?: AccountsApiMode; revocationEndpoint?: RevocationEndpointMode },
  ): Promise<void>;
  revokeAccount(login: string): Promise<{ revokedGrants: number }>;
  reset(): Promise<void>;
}

export function sandboxControl({ issuer, secret }: { issuer: string; secret: string }): SandboxControl {
  const call = async <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${issuer}/sandbox/control${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(body !== undefined && { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Sandbox Bank control ${method} ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    stats: () => call<SandboxStats>("GET", "/stats"),
    setAccount: async (login, settings) => {
      await call("POST", `/accounts/${encodeURIComponent(login)}`, settings);
    },
    revokeAccount: (login) => call<{ revokedGrants: number }>("POST", `/accounts/${encodeURIComponent(login)}/revoke`),
    reset: async () => {
      await call("POST", "/reset");
    },
  };
}
