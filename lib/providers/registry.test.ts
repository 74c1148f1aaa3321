import { describe, expect, it } from "vitest";

import { isLoopbackUrl } from "./oauth-urls";
import {
  buildProviderRegistry,
  providerSlugToEnvPrefix,
  type ProviderDefinition,
  type ProviderRegistryOptions,
} from "./registry";

const APP_URL = "https://ledgerlink.example";
const NO_SANDBOX: ProviderRegistryOptions = { appUrl: APP_URL, sandboxBank: null };
const SANDBOX = { issuer: "http://localhost:3001", clientId: "ledgerlink", clientSecret: "sandbox-secret-0f3a" };

const build = (vars: Record<string, string | undefined>, options: ProviderRegistryOptions = NO_SANDBOX) =>
  buildProviderRegistry(vars, options);

const slugs = (providers: ProviderDefinition[]) => providers.map((p) => p.slug);

/** A complete, valid discovery-based provider under `PROVIDER_<envSlug>_*`. */
function acme(envSlug = "ACME", extra: Record<string, string> = {}): Record<string, string> {
  return {
    [`PROVIDER_${envSlug}_ISSUER`]: "https://auth.acme.example",
    [`PROVIDER_${envSlug}_CLIENT_ID`]: `${envSlug.toLowerCase()}-client`,
    [`PROVIDER_${envSlug}_CLIENT_SECRET`]: `${envSlug.toLowerCase()}-secret-9d8c7b`,
    ...extra,
  };
}

describe("buildProviderRegistry", () => {
  it("has nothing to offer without configuration, and ignores unrelated variables", () => {
    expect(build({ PATH: "/usr/bin", HOME: "/root", NODE_ENV: "test", PROVIDERS: "x" })).toEqual({
      providers: [],
      problems: [],
    });
  });

  describe("Sandbox Bank", () => {
    it("is defined when the options carry its client", () => {
      const { providers, problems } = build({}, { appUrl: "http://localhost:3000/", sandboxBank: SANDBOX });
      expect(problems).toEqual([]);
      expect(providers).toEqual([
        {
          slug: "sandbox-bank",
          name: "Sandbox Bank",
          category: "bank",
          issuer: "http://localhost:3001",
          clientId: "ledgerlink",
          clientSecret: "sandbox-secret-0f3a",
          scopes: ["openid", "offline_access", "accounts"],
          tokenAuth: "client_secret_basic",
          redirectUri: "http://localhost:3000/connections/callback/sandbox-bank",
          builtIn: "sandbox-bank",
          accounts: { url: "http://localhost:3001/fdx/v6/accounts", format: "fdx" },
        },
      ]);
    });

    it("offers no accounts API with accounts: false (SANDBOX_BANK_ACCOUNTS=off)", () => {
      const { providers, problems } = build({}, { appUrl: APP_URL, sandboxBank: { ...SANDBOX, accounts: false } });
      expect(problems).toEqual([]);
      expect(providers.map((p) => [p.slug, p.accounts])).toEqual([["sandbox-bank", undefined]]);
    });

    it("is left out, with a problem, when its issuer is plain http off loopback", () => {
      const { providers, problems } = build(acme(), {
        appUrl: APP_URL,
        sandboxBank: { ...SANDBOX, issuer: "http://sandbox-bank:3001" },
      });
      expect(slugs(providers)).toEqual(["acme"]);
      expect(problems).toEqual([expect.stringMatching(/^SANDBOX_BANK_URL: must use https .*Sandbox Bank left out$/)]);
    });

    it("cannot be defined or overridden through PROVIDER_SANDBOX_BANK_* variables", () => {
      const vars = acme("SANDBOX_BANK", { PROVIDER_SANDBOX_BANK_TOKEN_URL: "https://evil.example/token" });
      for (const sandboxBank of [null, SANDBOX]) {
        const { providers, problems } = build(vars, { appUrl: APP_URL, sandboxBank });
        expect(providers.filter((p) => p.slug === "sandbox-bank").every((p) => p.builtIn === "sandbox-bank")).toBe(true);
        expect(providers.find((p) => p.slug === "sandbox-bank")?.issuer).toBe(sandboxBank ? SANDBOX.issuer : undefined);
        expect(problems).toEqual([
          'PROVIDER_SANDBOX_BANK_*: "sandbox-bank" is a built-in provider and cannot be configured this way; ignored',
        ]);
      }
    });
  });

  describe("Charles Schwab", () => {
    const credentials = { PROVIDER_SCHWAB_CLIENT_ID: "schwab-app-key", PROVIDER_SCHWAB_CLIENT_SECRET: "schwab-secret-77aa" };

    it("is enabled by its client id and secret, with the preset endpoints and lifetimes", () => {
      const { providers, problems } = build(credentials);
      expect(problems).toEqual([]);
      expect(providers).toEqual([
        {
          slug: "schwab",
          name: "Charles Schwab",
          category: "brokerage",
          authorizationEndpoint: "https://api.schwabapi.com/v1/oauth/authorize",
          tokenEndpoint: "https://api.schwabapi.com/v1/oauth/token",
          clientId: "schwab-app-key",
          clientSecret: "schwab-secret-77aa",
          scopes: ["readonly"],
          tokenAuth: "client_secret_basic",
          redirectUri: "https://ledgerlink.example/connections/callback/schwab",
          accessTokenLifetimeSeconds: 1800,
          refreshTokenLifetimeSeconds: 604800,
          builtIn: "schwab",
          accounts: { url: "https://api.schwabapi.com/trader/v1/accounts", format: "schwab-trader" },
        },
      ]);
      expect(providers[0]).not.toHaveProperty("revocationEndpoint");
      expect(providers[0]).not.toHaveProperty("issuer");
    });

    it("takes its scopes from PROVIDER_SCHWAB_SCOPES", () => {
      const { providers } = build({ ...credentials, PROVIDER_SCHWAB_SCOPES: "  readonly   api " });
      expect(providers[0]?.scopes).toEqual(["readonly", "api"]);
    });

    it.each([
      [{ PROVIDER_SCHWAB_CLIENT_ID: "id" }, "PROVIDER_SCHWAB_CLIENT_SECRET: required when PROVIDER_SCHWAB_CLIENT_ID is set; Charles Schwab left out"],
      [{ PROVIDER_SCHWAB_CLIENT_SECRET: "s3cr3t-only" }, "PROVIDER_SCHWAB_CLIENT_ID: required when PROVIDER_SCHWAB_CLIENT_SECRET is set; Charles Schwab left out"],
      [{ ...credentials, PROVIDER_SCHWAB_SCOPES: 'read"only' }, expect.stringMatching(/^PROVIDER_SCHWAB_SCOPES: must be space-separated scope names.*; Charles Schwab left out$/)],
      [{ PROVIDER_SCHWAB_SCOPES: "readonly" }, expect.stringMatching(/^PROVIDER_SCHWAB_SCOPES: ignored, Charles Schwab is enabled only when/)],
    ])("is left out when half configured: %j", (vars, problem) => {
      const { providers, problems } = build({ ...vars, ...acme() });
      expect(slugs(providers)).toEqual(["acme"]);
      expect(problems).toEqual([problem]);
    });

    it("still loads when other PROVIDER_SCHWAB_* settings are given, and says they are ignored", () => {
      const { providers, problems } = build({
        ...credentials,
        PROVIDER_SCHWAB_NAME: "Schwab",
        PROVIDER_SCHWAB_TOKEN_URL: "https://evil.example/token",
      });
      expect(providers[0]?.tokenEndpoint).toBe("https://api.schwabapi.com/v1/oauth/token");
      expect(providers[0]?.name).toBe("Charles Schwab");
      expect(problems).toEqual([
        expect.stringMatching(/^PROVIDER_SCHWAB_NAME: ignored, Charles Schwab is a preset/),
        expect.stringMatching(/^PROVIDER_SCHWAB_TOKEN_URL: ignored, Charles Schwab is a preset/),
      ]);
    });

    it("does not claim a different provider whose slug starts with schwab", () => {
      const { providers, problems } = build(acme("SCHWAB_BANK"));
      expect(problems).toEqual([]);
      expect(slugs(providers)).toEqual(["schwab-bank"]);
    });
  });

  describe("providers from PROVIDER_<SLUG>_* variables", () => {
    it("uses discovery with defaults when only the issuer and client are given", () => {
      const { providers, problems } = build(acme("ACME_BANK"));
      expect(problems).toEqual([]);
      expect(providers).toEqual([
        {
          slug: "acme-bank",
          name: "Acme Bank",
          category: "other",
          issuer: "https://auth.acme.example",
          clientId: "acme_bank-client",
          clientSecret: "acme_bank-secret-9d8c7b",
          scopes: ["openid", "offline_access"],
          tokenAuth: "client_secret_basic",
          redirectUri: "https://ledgerlink.example/connections/callback/acme-bank",
          builtIn: null,
        },
      ]);
    });

    it("reads every setting, keeping URLs exactly as written", () => {
      const { providers, problems } = build({
        PROVIDER_NORTHWIND_CU_NAME: " Northwind Credit Union ",
        PROVIDER_NORTHWIND_CU_AUTHORIZATION_URL: "https://login.northwind.example/oauth2/authorize?tenant=retail",
        PROVIDER_NORTHWIND_CU_TOKEN_URL: "https://login.northwind.example/oauth2/token",
        PROVIDER_NORTHWIND_CU_REVOCATION_URL: "https://login.northwind.example/oauth2/revoke",
        PROVIDER_NORTHWIND_CU_CLIENT_ID: "nw-client",
        PROVIDER_NORTHWIND_CU_CLIENT_SECRET: "nw-secret-55e1",
        PROVIDER_NORTHWIND_CU_SCOPES: "openid offline_access accounts transactions accounts",
        PROVIDER_NORTHWIND_CU_CATEGORY: "credit_card",
        PROVIDER_NORTHWIND_CU_TOKEN_AUTH: "client_secret_post",
        PROVIDER_NORTHWIND_CU_REFRESH_TOKEN_LIFETIME_SECONDS: "7776000",
        PROVIDER_NORTHWIND_CU_ACCOUNTS_URL: "https://api.northwind.example/fdx/v6/accounts",
        PROVIDER_NORTHWIND_CU_ACCOUNTS_FORMAT: "FDX",
      });
      expect(problems).toEqual([]);
      expect(providers).toEqual([
        {
          slug: "northwind-cu",
          name: "Northwind Credit Union",
          category: "credit_card",
          authorizationEndpoint: "https://login.northwind.example/oauth2/authorize?tenant=retail",
          tokenEndpoint: "https://login.northwind.example/oauth2/token",
          revocationEndpoint: "https://login.northwind.example/oauth2/revoke",
          clientId: "nw-client",
          clientSecret: "nw-secret-55e1",
          scopes: ["openid", "offline_access", "accounts", "transactions"],
          tokenAuth: "client_secret_post",
          redirectUri: "https://ledgerlink.example/connections/callback/northwind-cu",
          refreshTokenLifetimeSeconds: 7776000,
          builtIn: null,
          accounts: { url: "https://api.northwind.example/fdx/v6/accounts", format: "fdx" },
        },
      ]);
    });

    it("reads accounts only with both ACCOUNTS_URL and a known ACCOUNTS_FORMAT", () => {
      expect(build(acme("ACME")).providers[0]?.accounts).toBeUndefined();
      const cases: [Record<string, string>, string][] = [
        [{ PROVIDER_ACME_ACCOUNTS_URL: "https://api.acme.example/accounts" }, "PROVIDER_ACME_ACCOUNTS_FORMAT: required with PROVIDER_ACME_ACCOUNTS_URL (one of fdx)"],
        [{ PROVIDER_ACME_ACCOUNTS_FORMAT: "fdx" }, "PROVIDER_ACME_ACCOUNTS_URL: required with PROVIDER_ACME_ACCOUNTS_FORMAT"],
        [{ PROVIDER_ACME_ACCOUNTS_URL: "https://api.acme.example/accounts", PROVIDER_ACME_ACCOUNTS_FORMAT: "ofx" }, "PROVIDER_ACME_ACCOUNTS_FORMAT: must be one of fdx"],
        [{ PROVIDER_ACME_ACCOUNTS_URL: "http://api.acme.example/accounts", PROVIDER_ACME_ACCOUNTS_FORMAT: "fdx" }, "PROVIDER_ACME_ACCOUNTS_URL: must use https"],
      ];
      for (const [vars, problem] of cases) {
        const { providers, problems } = build(acme("ACME", vars));
        expect(providers).toEqual([]);
        expect(problems[0]).toContain(problem);
      }
    });

    it("accepts an issuer with explicit endpoints, and a revocation URL beside discovery", () => {
      const both = build(acme("ACME", {
        PROVIDER_ACME_AUTHORIZATION_URL: "https://auth.acme.example/authorize",
        PROVIDER_ACME_TOKEN_URL: "https://auth.acme.example/token",
        PROVIDER_ACME_REVOCATION_URL: "https://auth.acme.example/revoke",
      }));
      expect(both.problems).toEqual([]);
      expect(both.providers[0]).toMatchObject({
        issuer: "https://auth.acme.example",
        authorizationEndpoint: "https://auth.acme.example/authorize",
        tokenEndpoint: "https://auth.acme.example/token",
        revocationEndpoint: "https://auth.acme.example/revoke",
      });
    });

    it("accepts category and token auth in any case, and plain http on loopback hosts", () => {
      const { providers, problems } = build(acme("LOCAL", {
        PROVIDER_LOCAL_ISSUER: "http://127.0.0.1:9000/realms/dev",
        PROVIDER_LOCAL_CATEGORY: "Crypto",
        PROVIDER_LOCAL_TOKEN_AUTH: "CLIENT_SECRET_POST",
      }));
      expect(problems).toEqual([]);
      expect(providers[0]).toMatchObject({ issuer: "http://127.0.0.1:9000/realms/dev", category: "crypto", tokenAuth: "client_secret_post" });
    });

    it("maps upper snake case slugs to lower kebab case and lists them in slug order", () => {
      const { providers } = build({ ...acme("ZETA"), ...acme("BANK_OF_2_CITIES"), ...acme("ACME") });
      expect(slugs(providers)).toEqual(["acme", "bank-of-2-cities", "zeta"]);
      expect(providers.map((p) => p.name)).toEqual(["Acme", "Bank Of 2 Cities", "Zeta"]);
    });

    it("tells apart slugs that share a prefix", () => {
      const { providers, problems } = build({ ...acme("ACME"), ...acme("ACME_BANK", { PROVIDER_ACME_BANK_CATEGORY: "bank" }) });
      expect(problems).toEqual([]);
      expect(providers.map((p) => [p.slug, p.category, p.clientId])).toEqual([
        ["acme", "other", "acme-client"],
        ["acme-bank", "bank", "acme_bank-client"],
      ]);
    });

    it("lists the built-ins first: Sandbox Bank, Charles Schwab, then the others", () => {
      const { providers } = build(
        { ...acme("AAA"), PROVIDER_SCHWAB_CLIENT_ID: "id", PROVIDER_SCHWAB_CLIENT_SECRET: "s" },
        { appUrl: APP_URL, sandboxBank: SANDBOX },
      );
      expect(slugs(providers)).toEqual(["sandbox-bank", "schwab", "aaa"]);
    });

    it("treats blank values as unset", () => {
      const { providers, problems } = build(acme("ACME", { PROVIDER_ACME_SCOPES: "   ", PROVIDER_ACME_CATEGORY: "", PROVIDER_ACME_NAME: "" }));
      expect(problems).toEqual([]);
      expect(providers[0]).toMatchObject({ name: "Acme", scopes: ["openid", "offline_access"], category: "other" });
      expect(build({ PROVIDER_ACME_CLIENT_ID: " ", PROVIDER_ACME_CLIENT_SECRET: "" })).toEqual({ providers: [], problems: [] });
    });
  });

  describe("a misconfigured provider is left out, named, and the others still load", () => {
    const left = (slug: string) => `; provider "${slug}" left out`;

    it.each<[string, Record<string, string | undefined>, string[]]>([
      ["no client secret", { PROVIDER_BAD_CLIENT_SECRET: undefined }, ["PROVIDER_BAD_CLIENT_SECRET: required"]],
      ["no client id (found by its issuer)", { PROVIDER_BAD_CLIENT_ID: undefined }, ["PROVIDER_BAD_CLIENT_ID: required"]],
      [
        "no issuer and no endpoints",
        { PROVIDER_BAD_ISSUER: undefined },
        ["PROVIDER_BAD_ISSUER: required (for discovery), or PROVIDER_BAD_AUTHORIZATION_URL and PROVIDER_BAD_TOKEN_URL"],
      ],
      [
        "an authorization URL without a token URL",
        { PROVIDER_BAD_ISSUER: undefined, PROVIDER_BAD_AUTHORIZATION_URL: "https://bad.example/authorize" },
        ["PROVIDER_BAD_TOKEN_URL: required with PROVIDER_BAD_AUTHORIZATION_URL"],
      ],
      [
        "a token URL without an authorization URL, even beside an issuer",
        { PROVIDER_BAD_TOKEN_URL: "https://bad.example/token" },
        ["PROVIDER_BAD_AUTHORIZATION_URL: required with PROVIDER_BAD_TOKEN_URL"],
      ],
      ["an issuer that is not a URL", { PROVIDER_BAD_ISSUER: "auth.bad.example" }, ["PROVIDER_BAD_ISSUER: must be an absolute https URL"]],
      ["an ftp issuer", { PROVIDER_BAD_ISSUER: "ftp://auth.bad.example" }, ["PROVIDER_BAD_ISSUER: must be an absolute https URL"]],
      [
        "a plain http issuer off loopback",
        { PROVIDER_BAD_ISSUER: "http://auth.bad.example" },
        ["PROVIDER_BAD_ISSUER: must use https (http only on loopback hosts: localhost, 127.0.0.0/8, [::1])"],
      ],
      [
        "a plain http endpoint on a host that only looks like loopback",
        { PROVIDER_BAD_REVOCATION_URL: "http://127.0.0.1.nip.io/revoke" },
        ["PROVIDER_BAD_REVOCATION_URL: must use https (http only on loopback hosts: localhost, 127.0.0.0/8, [::1])"],
      ],
      ["an issuer with a query", { PROVIDER_BAD_ISSUER: "https://auth.bad.example?tenant=1" }, ["PROVIDER_BAD_ISSUER: must not contain a query (?…)"]],
      ["an endpoint with a fragment", { PROVIDER_BAD_REVOCATION_URL: "https://bad.example/revoke#x" }, ["PROVIDER_BAD_REVOCATION_URL: must not contain a fragment (#…)"]],
      [
        "credentials inside a URL",
        { PROVIDER_BAD_ISSUER: "https://user:hunter2@auth.bad.example" },
        ["PROVIDER_BAD_ISSUER: must not contain a user name or password"],
      ],
      ["an unknown category", { PROVIDER_BAD_CATEGORY: "savings" }, ["PROVIDER_BAD_CATEGORY: must be one of bank, brokerage, credit_card, crypto, other"]],
      ["an unknown token auth", { PROVIDER_BAD_TOKEN_AUTH: "private_key_jwt" }, ["PROVIDER_BAD_TOKEN_AUTH: must be one of client_secret_basic, client_secret_post"]],
      ...["0", "-5", "1.5", "1e6", "soon", "99999999999999999999"].map(
        (value): [string, Record<string, string>, string[]] => [
          `a refresh token lifetime of ${value}`,
          { PROVIDER_BAD_REFRESH_TOKEN_LIFETIME_SECONDS: value },
          ["PROVIDER_BAD_REFRESH_TOKEN_LIFETIME_SECONDS: must be a whole number of seconds greater than 0"],
        ],
      ),
      [
        "a scope with a quote",
        { PROVIDER_BAD_SCOPES: 'openid "accounts"' },
        ["PROVIDER_BAD_SCOPES: must be space-separated scope names (printable ASCII, no quotes or backslashes)"],
      ],
      ["a name spanning lines", { PROVIDER_BAD_NAME: "Bad\nBcc: victim@example.com" }, ["PROVIDER_BAD_NAME: must be a single line of text"]],
      [
        "several things at once, each named",
        { PROVIDER_BAD_CLIENT_SECRET: undefined, PROVIDER_BAD_CATEGORY: "x", PROVIDER_BAD_ISSUER: "http://bad.example" },
        [
          "PROVIDER_BAD_CLIENT_SECRET: required",
          "PROVIDER_BAD_ISSUER: must use https (http only on loopback hosts: localhost, 127.0.0.0/8, [::1])",
          "PROVIDER_BAD_CATEGORY: must be one of bank, brokerage, credit_card, crypto, other",
        ],
      ],
    ])("%s", (_case, overrides, expected) => {
      const vars = { ...acme("GOOD"), ...acme("BAD"), ...overrides };
      const { providers, problems } = build(vars, { appUrl: APP_URL, sandboxBank: SANDBOX });
      expect(slugs(providers)).toEqual(["sandbox-bank", "good"]);
      expect(problems).toEqual(expected.map((problem) => problem + left("bad")));
    });

    it("a provider announced only by its name reports every missing piece", () => {
      const { providers, problems } = build({ ...acme(), PROVIDER_ACME_BANK_NAME: "Acme Bank" });
      expect(slugs(providers)).toEqual(["acme"]);
      expect(problems).toEqual([
        `PROVIDER_ACME_BANK_CLIENT_ID: required${left("acme-bank")}`,
        `PROVIDER_ACME_BANK_CLIENT_SECRET: required${left("acme-bank")}`,
        `PROVIDER_ACME_BANK_ISSUER: required (for discovery), or PROVIDER_ACME_BANK_AUTHORIZATION_URL and PROVIDER_ACME_BANK_TOKEN_URL${left("acme-bank")}`,
      ]);
    });
  });

  describe("stray variables", () => {
    it("reports settings of a provider that nothing announces, and names that are not settings", () => {
      const { providers, problems } = build({
        ...acme(),
        PROVIDER_ACME_CLIENTSECRET: "typo-secret-1",
        PROVIDER_ORPHAN_CLIENT_SECRET: "orphan-secret-2",
        PROVIDER_ORPHAN_TOKEN_URL: "https://orphan.example/token",
        PROVIDER_lower_CLIENT_ID: "x",
        PROVIDER__CLIENT_ID: "y",
      });
      expect(slugs(providers)).toEqual(["acme"]);
      expect(problems).toEqual([
        expect.stringMatching(/^PROVIDER_ACME_CLIENTSECRET: not a provider setting \(expected PROVIDER_<SLUG>_<NAME\|ISSUER\|.*>\); ignored$/),
        "PROVIDER_ORPHAN_CLIENT_SECRET: ignored, no PROVIDER_ORPHAN_CLIENT_ID, PROVIDER_ORPHAN_ISSUER or PROVIDER_ORPHAN_NAME is set",
        "PROVIDER_ORPHAN_TOKEN_URL: ignored, no PROVIDER_ORPHAN_CLIENT_ID, PROVIDER_ORPHAN_ISSUER or PROVIDER_ORPHAN_NAME is set",
        expect.stringMatching(/^PROVIDER__CLIENT_ID: not a provider setting/),
        expect.stringMatching(/^PROVIDER_lower_CLIENT_ID: not a provider setting/),
      ]);
    });
  });

  it("never puts a variable's value in a problem", () => {
    // Every value is a distinctive marker, as if secrets had been pasted into every variable.
    const vars: Record<string, string> = {};
    let n = 0;
    const marker = () => `Zq${(n++).toString().padStart(3, "0")}s3cr3tMarker`;
    for (const setting of ["NAME", "ISSUER", "AUTHORIZATION_URL", "TOKEN_URL", "REVOCATION_URL", "CLIENT_ID", "CLIENT_SECRET", "SCOPES", "CATEGORY", "TOKEN_AUTH", "REFRESH_TOKEN_LIFETIME_SECONDS"]) {
      vars[`PROVIDER_LEAKY_${setting}`] = marker();
      vars[`PROVIDER_SCHWAB_${setting}`] = marker();
      vars[`PROVIDER_SANDBOX_BANK_${setting}`] = marker();
      vars[`PROVIDER_ORPHAN_${setting === "CLIENT_ID" || setting === "ISSUER" || setting === "NAME" ? "SCOPES" : setting}`] = marker();
    }
    vars.PROVIDER_URLS_ISSUER = `http://user:${marker()}@auth.example/?q=${marker()}#${marker()}`;
    vars.PROVIDER_URLS_CLIENT_SECRET = marker();
    vars.PROVIDER_TYPO_CLIENTSECRET = marker();
    vars.PROVIDER_HALF_CLIENT_ID = marker();
    vars.PROVIDER_SCHWAB_SCOPES = `read"${marker()}`;

    const { providers, problems } = build(vars, {
      appUrl: APP_URL,
      sandboxBank: { issuer: `http://${marker()}.example`, clientId: "c", clientSecret: marker() },
    });
    expect(providers).toEqual([]);
    expect(problems.length).toBeGreaterThan(15);
    const text = problems.join("\n");
    expect(text).not.toMatch(/s3cr3tmarker/i);
    expect(text).not.toMatch(/zq\d{3}/i);
  });

  it("refuses an app URL that is not absolute http(s)", () => {
    expect(() => build({}, { appUrl: "ledgerlink.example", sandboxBank: null })).toThrow(/appUrl/);
    expect(() => build({}, { appUrl: "ftp://ledgerlink.example", sandboxBank: null })).toThrow(/appUrl/);
  });

  it("keeps a path in the app URL", () => {
    const { providers } = build(acme(), { appUrl: "https://example.com/ledgerlink//", sandboxBank: null });
    expect(providers[0]?.redirectUri).toBe("https://example.com/ledgerlink/connections/callback/acme");
  });
});

describe("isLoopbackUrl", () => {
  it.each([
    ["http://localhost:3001", true],
    ["http://LOCALHOST/", true],
    ["https://localhost", true],
    ["http://127.0.0.1:8080/cb", true],
    ["http://127.255.10.3", true],
    ["http://127.1", true], // the URL parser normalises this to 127.0.0.1
    ["http://[::1]:3000", true],
    ["http://[0:0:0:0:0:0:0:1]", true],
    ["http://localhost.evil.example", false],
    ["http://127.0.0.1.nip.io", false],
    ["http://128.0.0.1", false],
    ["http://0.0.0.0", false],
    ["http://[::]", false],
    ["http://[::ffff:127.0.0.1]", false],
    ["http://10.0.0.1", false],
    ["https://auth.example", false],
    ["localhost:3000", false],
    ["not a url", false],
  ])("%s → %s", (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });

  it("accepts URL objects", () => {
    expect(isLoopbackUrl(new URL("http://127.0.0.1"))).toBe(true);
  });
});

describe("providerSlugToEnvPrefix", () => {
  it("maps lower kebab case to the variable prefix", () => {
    expect(providerSlugToEnvPrefix("acme-bank")).toBe("PROVIDER_ACME_BANK");
    expect(providerSlugToEnvPrefix("schwab")).toBe("PROVIDER_SCHWAB");
    expect(providerSlugToEnvPrefix("bank-of-2-cities")).toBe("PROVIDER_BANK_OF_2_CITIES");
  });

  it("round-trips with the registry's own slug mapping", () => {
    const { providers } = build(acme("BANK_OF_2_CITIES"));
    expect(providerSlugToEnvPrefix(providers[0]?.slug ?? "")).toBe("PROVIDER_BANK_OF_2_CITIES");
  });

  it.each(["Acme", "acme_bank", "-acme", "acme--bank", "acme-", ""])("refuses %j", (slug) => {
    expect(() => providerSlugToEnvPrefix(slug)).toThrow(/slug/);
  });
});
