import type { Outcome } from "./pages";

export interface SandboxChoice {
  username?: string;
  outcome?: Outcome;
  /** The button pressed on the consent page. Default "continue". */
  action?: "continue" | "deny";
  /** Share one between calls to act as the same browser. */
  cookies?: SandboxCookieJar;
}

export type SandboxCookieJar = Array<{ name: string; value: string; path: string }>;

const MAX_STEPS = 10;

/**
 * Plays the browser for tests: opens an authorization URL at the Sandbox Bank,
 * fills in and submits the consent page like a person would, follows the
 * redirects, and returns the URL the bank finally sends the browser to (the
 * client's redirect URI with `code` or `error`). Cookies are kept per path.
 */
export async function authorizeInSandboxBank(authorizationUrl: URL, choice: SandboxChoice = {}): Promise<URL> {
  const bankOrigin = authorizationUrl.origin;
  const jar = choice.cookies ?? [];
  let url = authorizationUrl;
  let form: URLSearchParams | null = null;

  for (let step = 0; step < MAX_STEPS; step += 1) {
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: {
        accept: "text/html",
        ...(form && { "content-type": "application/x-www-form-urlencoded" }),
        ...cookieHeader(jar, url),
      },
      body: form,
    });
    form = null;
    storeCookies(jar, response);

    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      if (url.origin !== bankOrigin) return url;
      continue;
    }
    const html = await response.text();
    if (response.status === 200 && url.pathname.startsWith("/interaction/")) {
      form = new URLSearchParams({
        username: choice.username ?? "alice",
        outcome: choice.outcome ?? "approve",
        action: choice.action ?? "continue",
      });
      continue;
    }
    throw new Error(`Sandbox Bank answered ${response.status} at ${url.pathname}: ${html.slice(0, 300)}`);
  }
  throw new Error("Sandbox Bank: too many redirects");
}

function cookieHeader(jar: SandboxCookieJar, url: URL): Record<string, string> {
  const matching = jar.filter(
    (cookie) => url.pathname === cookie.path || url.pathname.startsWith(withSlash(cookie.path)),
  );
  return matching.length ? { cookie: matching.map(({ name, value }) => `${name}=${value}`).join("; ") } : {};
}

function storeCookies(jar: SandboxCookieJar, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const equals = pair.indexOf("=");
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const path = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) || "/";
    const expired =
      attributes.some((attribute) => /^max-age=0$/i.test(attribute)) ||
      attributes.some((attribute) => /^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) < Date.now());
    const index = jar.findIndex((cookie) => cookie.name === name && cookie.path === path);
    if (index !== -1) jar.splice(index, 1);
    if (!expired && value) jar.push({ name, value, path });
  }
}

function withSlash(path: string) {
  return path.endsWith("/") ? path : `${path}/`;
}
