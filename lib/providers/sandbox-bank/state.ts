/** How the token endpoint answers for one account's grants. */
export const TOKEN_ENDPOINT_MODES = ["ok", "token_error", "invalid_client", "unavailable", "slow", "rate_limited"] as const;
export type TokenEndpointMode = (typeof TOKEN_ENDPOINT_MODES)[number];

/**
 * How `GET /fdx/v6/accounts` answers for one account: normally, with a failure, or with one
 * of the malformed bodies the app must refuse, or well-formed with no accounts at all (`empty`)
 * (for tests and for trying the card's states).
 */
export const ACCOUNTS_API_MODES = ["ok", "empty", "error", "rate_limited", "slow", "not_json", "missing_fields", "string_balances", "too_many"] as const;
export type AccountsApiMode = (typeof ACCOUNTS_API_MODES)[number];

/** How `POST /token/revocation` answers for one account's tokens: normally, or 503 (nothing revoked). */
export const REVOCATION_ENDPOINT_MODES = ["ok", "unavailable"] as const;
export type RevocationEndpointMode = (typeof REVOCATION_ENDPOINT_MODES)[number];

export interface AccountSettings {
  tokenEndpoint: TokenEndpointMode;
  /** Default "ok". */
  accountsApi?: AccountsApiMode;
  /** Default "ok". */
  revocationEndpoint?: RevocationEndpointMode;
  /** Overrides the server's access token lifetime for this account. */
  accessTokenTtlSeconds?: number;
}

export interface RevocationRecord {
  at: string;
  login: string | null;
  tokenTypeHint: string | null;
  clientId: string;
}

export interface SandboxStats {
  tokenRequests: {
    total: number;
    authorizationCode: number;
    refreshToken: number;
    byAccount: Record<string, { authorizationCode: number; refreshToken: number }>;
  };
  revocations: RevocationRecord[];
  /** `GET /fdx/v6/accounts`: answered with accounts (`ok`) or refused with 401 (`unauthorized`). */
  accountsRequests: {
    total: number;
    ok: number;
    unauthorized: number;
    byAccount: Record<string, { ok: number; unauthorized: number }>;
  };
}

const DEFAULT_SETTINGS: AccountSettings = { tokenEndpoint: "ok" };

type GrantCounters = { authorizationCode: number; refreshToken: number };

/** Per-account failure modes and request counters of one Sandbox Bank. */
export class SandboxState {
  #accounts = new Map<string, AccountSettings>();
  #totals = { total: 0, authorizationCode: 0, refreshToken: 0 };
  // A Map, not an object: a login such as "__proto__" must stay an ordinary key.
  #byAccount = new Map<string, GrantCounters>();
  #revocations: RevocationRecord[] = [];
  #accountsTotals = { total: 0, ok: 0, unauthorized: 0 };
  #accountsByLogin = new Map<string, { ok: number; unauthorized: number }>();

  settingsFor(login: string | null | undefined): AccountSettings {
    return (login && this.#accounts.get(login)) || DEFAULT_SETTINGS;
  }

  configure(login: string, settings: AccountSettings): void {
    this.#accounts.set(login, { ...settings });
  }

  recordTokenRequest(grantType: string | null, login: string | null): void {
    this.#totals.total += 1;
    const kind =
      grantType === "authorization_code"
        ? "authorizationCode"
        : grantType === "refresh_token"
          ? "refreshToken"
          : null;
    if (!kind) return;
    this.#totals[kind] += 1;
    if (login) {
      const account = this.#byAccount.get(login) ?? { authorizationCode: 0, refreshToken: 0 };
      account[kind] += 1;
      this.#byAccount.set(login, account);
    }
  }

  /** One accounts request; `login` is null when the token was not recognised. */
  recordAccountsRequest(login: string | null, result: "ok" | "unauthorized" | "other"): void {
    this.#accountsTotals.total += 1;
    if (result === "other") return;
    this.#accountsTotals[result] += 1;
    if (login) {
      const counters = this.#accountsByLogin.get(login) ?? { ok: 0, unauthorized: 0 };
      counters[result] += 1;
      this.#accountsByLogin.set(login, counters);
    }
  }

  recordRevocation(record: Omit<RevocationRecord, "at">): void {
    this.#revocations.push({ at: new Date().toISOString(), ...record });
  }

  stats(): SandboxStats {
    const byAccount: SandboxStats["tokenRequests"]["byAccount"] = Object.create(null);
    for (const [login, counters] of this.#byAccount) byAccount[login] = { ...counters };
    return {
      tokenRequests: { ...this.#totals, byAccount },
      revocations: this.#revocations.map((record) => ({ ...record })),
      accountsRequests: { ...this.#accountsTotals, byAccount: Object.fromEntries(this.#accountsByLogin) },
    };
  }

  reset(): void {
    this.#accounts.clear();
    this.#totals = { total: 0, authorizationCode: 0, refreshToken: 0 };
    this.#byAccount.clear();
    this.#revocations = [];
    this.#accountsTotals = { total: 0, ok: 0, unauthorized: 0 };
    this.#accountsByLogin.clear();
  }
}
