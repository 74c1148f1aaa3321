import { OAuthConfigurationError } from "./oauth-errors";

/** localhost, 127.0.0.0/8 and [::1]: the only hosts where plain http is acceptable (RFC 8252 §8.3). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Parses a provider URL (issuer or endpoint) and refuses plain http anywhere
 * but on a loopback host. `what` names the setting in the error message.
 */
export function parseProviderUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuthConfigurationError(`${what} is not a valid URL`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:") {
    if (isLoopbackHost(url.hostname)) return url;
    throw new OAuthConfigurationError(
      `${what} ${url.origin} uses plain http; use https (http is only allowed on localhost, 127.0.0.0/8 and [::1])`,
    );
  }
  throw new OAuthConfigurationError(`${what} must be an https URL, got ${url.protocol}`);
}
