/**
 * The provider registry (docs/DESIGN.md §4), pure: getProviders() passes the variables. A
 * misconfigured provider is left out with a problem naming the variable, never its value (a
 * secret pasted into the wrong variable must not reach the logs), and the others still load.
 */
import type { OAuthProviderConfig } from "./oauth-configuration";
import { checkProviderUrl, type ProviderUrlProblem } from "./oauth-urls";
import { SCHWAB_DEFAULT_SCOPES, SCHWAB_SLUG, schwabProvider } from "./schwab";

export const PROVIDER_CATEGORIES = ["bank", "brokerage", "credit_card", "crypto", "other"] as const;
export type ProviderCategory = (typeof PROVIDER_CATEGORIES)[number];

export const TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post"] as const;
export type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

/**
 * One provider the app can connect to. Endpoint rule for the OAuth client: when
 * `authorizationEndpoint` and `tokenEndpoint` are given they are used as is (with `issuer`,
 * if also given, only for the `iss` check); otherwise `issuer` is discovered (RFC 8414 /
 * OIDC). A given `revocationEndpoint` wins over a discovered one.
 */
/** What the OAuth client needs (OAuthProviderConfig), plus what the app shows and stores. */
export interface ProviderDefinition extends OAuthProviderConfig {
  category: ProviderCategory;
  tokenAuth: TokenAuthMethod;
  /** `${appUrl}/connections/callback/<slug>`, registered at the provider verbatim. */
  redirectUri: string;
  /** Documentation and UI hint only: the token response's `expires_in` is what counts. */
  accessTokenLifetimeSeconds?: number;
  /** Hard refresh-token lifetime, stored as the refresh expiry when the token response doesn't say. */
  refreshTokenLifetimeSeconds?: number;
  builtIn: "sandbox-bank" | "schwab" | null;
  /** Where and how to read the connection's accounts; absent: the provider has none to show. */
  accounts?: AccountsEndpoint;
}

/** `fdx`: FDX v6 `GET …/accounts`; `schwab-trader`: Schwab's `/trader/v1/accounts` (the preset only). */
export const ACCOUNTS_FORMATS = ["fdx"] as const;
export interface AccountsEndpoint {
  url: string;
  format: (typeof ACCOUNTS_FORMATS)[number] | "schwab-trader";
}

export interface ProviderRegistryOptions {
  /** Public origin of the app (trailing slashes are ignored). */
  appUrl: string;
  /** The Sandbox Bank client, or null when the Sandbox Bank is off. */
  /** `accounts: false`: the Sandbox Bank without its accounts API (SANDBOX_BANK_ACCOUNTS=off). */
  sandboxBank: { issuer: string; clientId: string; clientSecret: string; accounts?: boolean } | null;
}

const SANDBOX_BANK_SLUG = "sandbox-bank";
const BUILT_IN_SLUGS: readonly string[] = [SANDBOX_BANK_SLUG, SCHWAB_SLUG];
const SETTINGS = [
  "NAME", "ISSUER", "AUTHORIZATION_URL", "TOKEN_URL", "REVOCATION_URL", "CLIENT_ID", "CLIENT_SECRET",
  "SCOPES", "CATEGORY", "TOKEN_AUTH", "REFRESH_TOKEN_LIFETIME_SECONDS", "ACCOUNTS_URL", "ACCOUNTS_FORMAT",
] as const;
type Setting = (typeof SETTINGS)[number];
/** The variables whose presence announces a provider (the others only refine one). */
const ANNOUNCING: readonly Setting[] = ["CLIENT_ID", "ISSUER", "NAME"];
const SCHWAB_SETTINGS: readonly Setting[] = ["CLIENT_ID", "CLIENT_SECRET", "SCOPES"];
const DEFAULT_SCOPES = ["openid", "offline_access"];
// No setting is an underscore-suffix of another, so each variable name parses one way only.
const VARIABLE_PATTERN = new RegExp(`^PROVIDER_([A-Z0-9]+(?:_[A-Z0-9]+)*)_(${SETTINGS.join("|")})$`);
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// RFC 6749 §3.3 scope-token characters.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const LOOPBACK_HINT = "http only on loopback hosts: localhost, 127.0.0.0/8, [::1]";

export interface ProviderRegistry {
  providers: ProviderDefinition[];
  /** Misconfigured providers, each left out, named without its values. */
  problems: string[];
}

export function buildProviderRegistry(vars: Readonly<Record<string, string | undefined>>, options: ProviderRegistryOptions): ProviderRegistry {
  const callbackBase = `${normalizeAppUrl(options.appUrl)}/connections/callback`;
  const providers: ProviderDefinition[] = [];
  const problems: string[] = [];

  // Blank values count as unset: `.env` templates often carry `PROVIDER_X_CLIENT_SECRET=`.
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(vars)) {
    if (name.startsWith("PROVIDER_") && value !== undefined && value.trim() !== "") values.set(name, value.trim());
  }
  const announced = new Set<string>();
  for (const name of values.keys()) {
    const [, envSlug, setting] = VARIABLE_PATTERN.exec(name) ?? [];
    // Any variable of a built-in's slug counts, so it is answered by the built-in's own message.
    if (envSlug && (ANNOUNCING.includes(setting as Setting) || BUILT_IN_SLUGS.includes(toSlug(envSlug)))) {
      announced.add(envSlug);
    }
  }

  if (options.sandboxBank) {
    const { issuer, clientId, clientSecret, accounts = true } = options.sandboxBank;
    const issue = checkUrl(issuer, "issuer");
    if (issue) problems.push(`SANDBOX_BANK_URL: ${issue}; Sandbox Bank left out`);
    else {
      providers.push({
        slug: SANDBOX_BANK_SLUG,
        name: "Sandbox Bank",
        category: "bank",
        issuer,
        clientId,
        clientSecret,
        scopes: ["openid", "offline_access", "accounts"],
        tokenAuth: "client_secret_basic",
        redirectUri: `${callbackBase}/${SANDBOX_BANK_SLUG}`,
        builtIn: "sandbox-bank",
        ...(accounts ? { accounts: { url: `${issuer.replace(/\/+$/, "")}/fdx/v6/accounts`, format: "fdx" as const } } : {}),
      });
    }
  }

  const schwab = schwabFromVariables(values, `${callbackBase}/${SCHWAB_SLUG}`);
  if (schwab.provider) providers.push(schwab.provider);
  problems.push(...schwab.problems);

  for (const envSlug of [...announced].sort()) {
    const slug = toSlug(envSlug);
    if (slug === SCHWAB_SLUG) continue; // the preset above owns these variables
    if (BUILT_IN_SLUGS.includes(slug)) {
      problems.push(`PROVIDER_${envSlug}_*: "${slug}" is a built-in provider and cannot be configured this way; ignored`);
      continue;
    }
    const result = customProvider(envSlug, slug, values, `${callbackBase}/${slug}`);
    if (result.provider) providers.push(result.provider);
    problems.push(...result.problems.map((problem) => `${problem}; provider "${slug}" left out`));
  }

  problems.push(...strayVariables(values, announced));
  return { providers, problems };
}

function schwabFromVariables(
  values: ReadonlyMap<string, string>,
  redirectUri: string,
): { provider?: ProviderDefinition; problems: string[] } {
  const prefix = `PROVIDER_SCHWAB`;
  const problems = SETTINGS.filter((s) => !SCHWAB_SETTINGS.includes(s) && values.has(`${prefix}_${s}`)).map(
    (s) => `${prefix}_${s}: ignored, Charles Schwab is a preset (only ${prefix}_CLIENT_ID, _CLIENT_SECRET and _SCOPES apply)`,
  );
  const clientId = values.get(`${prefix}_CLIENT_ID`);
  const clientSecret = values.get(`${prefix}_CLIENT_SECRET`);
  if (clientId === undefined && clientSecret === undefined) {
    if (values.has(`${prefix}_SCOPES`)) {
      problems.push(`${prefix}_SCOPES: ignored, Charles Schwab is enabled only when ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET are set`);
    }
    return { problems };
  }
  if (clientId === undefined || clientSecret === undefined) {
    const [missing, present] = clientId === undefined ? ["CLIENT_ID", "CLIENT_SECRET"] : ["CLIENT_SECRET", "CLIENT_ID"];
    problems.push(`${prefix}_${missing}: required when ${prefix}_${present} is set; Charles Schwab left out`);
    return { problems };
  }
  const scopes = parseScopes(values.get(`${prefix}_SCOPES`), SCHWAB_DEFAULT_SCOPES);
  if (typeof scopes === "string") {
    problems.push(`${prefix}_SCOPES: ${scopes}; Charles Schwab left out`);
    return { problems };
  }
  return { provider: schwabProvider({ clientId, clientSecret, scopes, redirectUri }), problems };
}

/** Problems come back without the "left out" suffix; the caller adds it. */
function customProvider(
  envSlug: string,
  slug: string,
  values: ReadonlyMap<string, string>,
  redirectUri: string,
): { provider?: ProviderDefinition; problems: string[] } {
  const variable = (setting: Setting) => `PROVIDER_${envSlug}_${setting}`;
  const read = (setting: Setting) => values.get(variable(setting));
  const problems: string[] = [];
  const fail = (setting: Setting, expected: string) => problems.push(`${variable(setting)}: ${expected}`);

  const name = read("NAME") ?? titleCase(envSlug);
  // The name goes into email subjects and headers: refuse line breaks and control characters.
  if (/[\u0000-\u001f\u007f]/.test(name)) fail("NAME", "must be a single line of text");

  const clientId = read("CLIENT_ID");
  const clientSecret = read("CLIENT_SECRET");
  if (clientId === undefined) fail("CLIENT_ID", "required");
  if (clientSecret === undefined) fail("CLIENT_SECRET", "required");

  const url = (setting: Setting, kind: "issuer" | "endpoint"): string | undefined => {
    const value = read(setting);
    const issue = value === undefined ? null : checkUrl(value, kind);
    if (issue) fail(setting, issue);
    return value;
  };
  const issuer = url("ISSUER", "issuer");
  const authorizationEndpoint = url("AUTHORIZATION_URL", "endpoint");
  const tokenEndpoint = url("TOKEN_URL", "endpoint");
  const revocationEndpoint = url("REVOCATION_URL", "endpoint");
  if (authorizationEndpoint !== undefined && tokenEndpoint === undefined) {
    fail("TOKEN_URL", `required with ${variable("AUTHORIZATION_URL")}`);
  } else if (tokenEndpoint !== undefined && authorizationEndpoint === undefined) {
    fail("AUTHORIZATION_URL", `required with ${variable("TOKEN_URL")}`);
  } else if (issuer === undefined && authorizationEndpoint === undefined) {
    fail("ISSUER", `required (for discovery), or ${variable("AUTHORIZATION_URL")} and ${variable("TOKEN_URL")}`);
  }

  const scopes = parseScopes(read("SCOPES"), DEFAULT_SCOPES);
  if (typeof scopes === "string") fail("SCOPES", scopes);
  const category = oneOf(read("CATEGORY") ?? "other", PROVIDER_CATEGORIES);
  if (category === null) fail("CATEGORY", `must be one of ${PROVIDER_CATEGORIES.join(", ")}`);
  const tokenAuth = oneOf(read("TOKEN_AUTH") ?? "client_secret_basic", TOKEN_AUTH_METHODS);
  if (tokenAuth === null) fail("TOKEN_AUTH", `must be one of ${TOKEN_AUTH_METHODS.join(", ")}`);
  const refreshTokenLifetimeSeconds = positiveInteger(read("REFRESH_TOKEN_LIFETIME_SECONDS"));
  if (refreshTokenLifetimeSeconds === null) {
    fail("REFRESH_TOKEN_LIFETIME_SECONDS", "must be a whole number of seconds greater than 0");
  }

  const accountsUrl = url("ACCOUNTS_URL", "endpoint");
  const accountsFormat = read("ACCOUNTS_FORMAT");
  if (accountsUrl !== undefined && accountsFormat === undefined) {
    fail("ACCOUNTS_FORMAT", `required with ${variable("ACCOUNTS_URL")} (one of ${ACCOUNTS_FORMATS.join(", ")})`);
  } else if (accountsFormat !== undefined && accountsUrl === undefined) {
    fail("ACCOUNTS_URL", `required with ${variable("ACCOUNTS_FORMAT")}`);
  } else if (accountsFormat !== undefined && oneOf(accountsFormat, ACCOUNTS_FORMATS) === null) {
    fail("ACCOUNTS_FORMAT", `must be one of ${ACCOUNTS_FORMATS.join(", ")}`);
  }

  if (problems.length > 0 || !clientId || !clientSecret || typeof scopes === "string" || !category || !tokenAuth) {
    return { problems };
  }
  const provider: ProviderDefinition = { slug, name, category, clientId, clientSecret, scopes, tokenAuth, redirectUri, builtIn: null };
  // Optional fields are left absent rather than `undefined`, so the definitions compare and print cleanly.
  if (issuer !== undefined) provider.issuer = issuer;
  if (authorizationEndpoint !== undefined) provider.authorizationEndpoint = authorizationEndpoint;
  if (tokenEndpoint !== undefined) provider.tokenEndpoint = tokenEndpoint;
  if (revocationEndpoint !== undefined) provider.revocationEndpoint = revocationEndpoint;
  if (refreshTokenLifetimeSeconds) provider.refreshTokenLifetimeSeconds = refreshTokenLifetimeSeconds;
  if (accountsUrl !== undefined && accountsFormat !== undefined) provider.accounts = { url: accountsUrl, format: "fdx" };
  return { provider, problems };
}

/** Provider-looking variables that configure nothing: most likely typos, so say so. */
function strayVariables(values: ReadonlyMap<string, string>, announced: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const name of [...values.keys()].sort()) {
    const match = VARIABLE_PATTERN.exec(name);
    if (!match?.[1]) {
      problems.push(`${name}: not a provider setting (expected PROVIDER_<SLUG>_<${SETTINGS.join("|")}>); ignored`);
    } else if (!announced.has(match[1])) {
      const prefix = `PROVIDER_${match[1]}`;
      problems.push(`${name}: ignored, no ${prefix}_CLIENT_ID, ${prefix}_ISSUER or ${prefix}_NAME is set`);
    }
  }
  return problems;
}

/** `ACME_BANK` → `acme-bank`. */
function toSlug(envSlug: string): string {
  return envSlug.toLowerCase().replaceAll("_", "-");
}

/** `acme-bank` → `PROVIDER_ACME_BANK` (append `_CLIENT_ID` etc. for a variable name). */
export function providerSlugToEnvPrefix(slug: string): string {
  if (!SLUG_PATTERN.test(slug)) throw new Error(`not a provider slug: expected lower kebab case`);
  return `PROVIDER_${slug.toUpperCase().replaceAll("-", "_")}`;
}

const URL_PROBLEMS: Record<ProviderUrlProblem, string> = {
  invalid: "must be an absolute https URL",
  scheme: "must be an absolute https URL",
  plain_http: `must use https (${LOOPBACK_HINT})`,
  credentials: "must not contain a user name or password",
  fragment: "must not contain a fragment (#…)",
  query: "must not contain a query (?…)",
};

/** Why `value` is not acceptable as an issuer or endpoint URL, or null when it is. Never quotes the value. */
function checkUrl(value: string, kind: "issuer" | "endpoint"): string | null {
  const checked = checkProviderUrl(value, kind);
  return "problem" in checked ? URL_PROBLEMS[checked.problem] : null;
}

function parseScopes(value: string | undefined, fallback: readonly string[]): string[] | string {
  if (value === undefined) return [...fallback];
  const scopes = [...new Set(value.split(/\s+/).filter(Boolean))];
  return scopes.every((scope) => SCOPE_TOKEN.test(scope))
    ? scopes
    : "must be space-separated scope names (printable ASCII, no quotes or backslashes)";
}

/** undefined when unset, null when not a whole number > 0. */
function positiveInteger(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return /^\d+$/.test(value) && Number.isSafeInteger(number) && number > 0 ? number : null;
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | null {
  const lower = value.toLowerCase();
  return allowed.find((candidate) => candidate === lower) ?? null;
}

function titleCase(envSlug: string): string {
  return envSlug
    .split("_")
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join(" ");
}

/** lib/env.ts validates APP_URL; a bad one here is a caller bug, so it throws. */
function normalizeAppUrl(appUrl: string): string {
  const trimmed = appUrl.trim().replace(/\/+$/, "");
  if (!URL.canParse(trimmed) || !/^https?:$/.test(new URL(trimmed).protocol)) {
    throw new Error("buildProviderRegistry: appUrl must be an absolute http(s) URL");
  }
  return trimmed;
}
