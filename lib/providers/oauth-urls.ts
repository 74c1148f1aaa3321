import { OAuthConfigurationError } from "./oauth-errors";

/** localhost, 127.0.0.0/8 and [::1]: the only hosts where plain http is acceptable (RFC 8252 §8.3). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Whether the URL's host is a loopback address. Hosts are compared after WHATWG URL parsing,
 * so spellings like `127.1` or `[0:0:0:0:0:0:0:1]` are recognised and `127.0.0.1.evil.example` is not.
 */
export function isLoopbackUrl(url: string | URL): boolean {
  return URL.canParse(url) && isLoopbackHost(new URL(url).hostname);
}

export type ProviderUrlProblem = "invalid" | "scheme" | "plain_http" | "credentials" | "fragment" | "query";

/**
 * The one rule set for a provider's issuer or endpoint URL, from the environment or from
 * discovery: https, or http on a loopback host; no user info; no fragment (RFC 6749 §3.1);
 * an issuer has no query either (RFC 8414 §2). Answers the URL, or what is wrong with it.
 */
export function checkProviderUrl(value: string, kind: "issuer" | "endpoint"): { url: URL } | { problem: ProviderUrlProblem; url?: URL } {
  if (!URL.canParse(value)) return { problem: "invalid" };
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: "scheme", url };
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) return { problem: "plain_http", url };
  if (url.username !== "" || url.password !== "") return { problem: "credentials", url };
  if (url.hash !== "" || value.includes("#")) return { problem: "fragment", url };
  if (kind === "issuer" && (url.search !== "" || value.includes("?"))) return { problem: "query", url };
  return { url };
}

/** `checkProviderUrl` that throws; `what` names the setting in the error message. */
export function parseProviderUrl(value: string, what: string, kind: "issuer" | "endpoint" = "endpoint"): URL {
  const checked = checkProviderUrl(value, kind);
  if (!("problem" in checked)) return checked.url;
  const messages: Record<ProviderUrlProblem, string> = {
    invalid: `${what} is not a valid URL`,
    scheme: `${what} must be an https URL, got ${checked.url?.protocol}`,
    plain_http: `${what} ${checked.url?.origin} uses plain http; use https (http is only allowed on localhost, 127.0.0.0/8 and [::1])`,
    credentials: `${what} must not contain a user name or password`,
    fragment: `${what} must not contain a fragment (#…)`,
    query: `${what} must not contain a query (?…)`,
  };
  throw new OAuthConfigurationError(messages[checked.problem]);
}
