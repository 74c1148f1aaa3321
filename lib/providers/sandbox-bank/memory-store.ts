import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";

/**
 * Expired entries are kept this long so oidc-provider can still answer
 * "refresh token is expired" (it checks `exp` itself) instead of "not found".
 */
const EXPIRED_RETENTION_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_WRITES = 200;

/** Models whose entries belong to a grant (and die with it). */
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken"]);

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Why a token vanished, kept after revocation so later requests get a clear answer. */
export interface RevokedToken {
  login: string | null;
  expiresAt: number;
}

/**
 * oidc-provider's storage for one Sandbox Bank instance.
 *
 * Its built-in MemoryAdapter is process-global and an LRU capped at 1000 entries
 * (a busy dev server would silently lose refresh tokens); this store is per
 * instance, unbounded apart from expiry, and can list an account's grants and
 * remember revoked refresh tokens for the control API.
 */
export class SandboxStore {
  readonly #entries = new Map<string, Entry>();
  readonly #grantMembers = new Map<string, Set<string>>();
  readonly #sessionUids = new Map<string, string>();
  readonly #revoked = new Map<string, RevokedToken>();
  #writes = 0;

  readonly adapterFactory: AdapterFactory = (model) => this.#adapter(model);

  /** Ids of the live grants held by an account (its `sub`). */
  grantIdsForAccount(login: string): string[] {
    const now = Date.now();
    const ids: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (key.startsWith("Grant:") && entry.payload.accountId === login && entry.expiresAt > now) {
        ids.push(key.slice("Grant:".length));
      }
    }
    return ids;
  }

  /** Deletes a grant and every token issued under it. */
  revokeGrant(grantId: string): void {
    this.#revokeMembers(grantId);
    this.#delete(`Grant:${grantId}`);
  }

  /** Set when a refresh token was removed by a revocation rather than by expiry. */
  revokedRefreshToken(value: string): RevokedToken | undefined {
    const revoked = this.#revoked.get(value);
    return revoked && revoked.expiresAt > Date.now() ? revoked : undefined;
  }

  #adapter(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => this.#upsert(model, key(id), payload, expiresIn),
      find: async (id) => this.#entries.get(key(id))?.payload,
      findByUid: async (uid) => {
        const id = this.#sessionUids.get(uid);
        return id === undefined ? undefined : this.#entries.get(key(id))?.payload;
      },
      // Device flow is off; nothing is ever stored by user code.
      findByUserCode: async () => undefined,
      consume: async (id) => {
        const entry = this.#entries.get(key(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => this.#delete(key(id)),
      revokeByGrantId: async (grantId) => this.#revokeMembers(grantId),
    };
  }

  #upsert(model: string, key: string, payload: AdapterPayload, expiresIn?: number) {
    this.#delete(key);
    const expiresAt = typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Infinity;
    this.#entries.set(key, { payload, expiresAt });
    if (model === "Session" && payload.uid) {
      this.#sessionUids.set(payload.uid, key.slice(key.indexOf(":") + 1));
    }
    if (GRANTABLE.has(model) && payload.grantId) {
      const members = this.#grantMembers.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.#grantMembers.set(payload.grantId, members);
    }
    if (++this.#writes % SWEEP_EVERY_WRITES === 0) this.#sweep();
  }

  #delete(key: string) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    const { grantId, uid } = entry.payload;
    if (uid && key.startsWith("Session:")) this.#sessionUids.delete(uid);
    if (grantId) {
      const members = this.#grantMembers.get(grantId);
      members?.delete(key);
      if (members?.size === 0) this.#grantMembers.delete(grantId);
    }
  }

  #revokeMembers(grantId: string) {
    for (const key of this.#grantMembers.get(grantId) ?? []) {
      const entry = this.#entries.get(key);
      if (entry && key.startsWith("RefreshToken:")) {
        this.#revoked.set(key.slice("RefreshToken:".length), {
          login: entry.payload.accountId ?? null,
          expiresAt: entry.expiresAt,
        });
      }
      this.#entries.delete(key);
    }
    this.#grantMembers.delete(grantId);
  }

  #sweep() {
    const cutoff = Date.now() - EXPIRED_RETENTION_MS;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt < cutoff) this.#delete(key);
    }
    for (const [value, revoked] of this.#revoked) {
      if (revoked.expiresAt < Date.now()) this.#revoked.delete(value);
    }
  }
}
