/**
 * Reads a connection's accounts from its provider and stores them — after a connect (in the
 * background) and when the person presses "Refresh accounts".
 *
 * The token comes from getFreshAccessToken (refreshed under the row lock when due). A 401
 * means the provider no longer takes that token: exactly one forced refresh (a no-op when a
 * racer already replaced the token) and one retry. A refresh that meets `invalid_grant`
 * takes the usual path inside refreshConnection (connection needs reconnect, one email).
 * A bad answer is refused whole, so the accounts already stored stay as they were.
 *
 * Not a domain event: each read is an `account_reads` row (the card, /activity and the
 * admin read it) and log lines carrying the read's correlation id.
 */
import { randomUUID } from "node:crypto";

import { getFreshAccessToken } from "../connections/get-fresh-access-token";
import { findOwnedConnection } from "../connections/queries";
import { refreshConnection } from "../connections/refresh-connection";
import { getDb } from "../db/client";
import type { ProviderConnection } from "../db/schema";
import { env } from "../env";
import { ExpectedError } from "../errors";
import { getLogger } from "../logger";
import { findProvider } from "../providers/find-provider";
import type { AccountsEndpoint } from "../providers/registry";
import { openConnectionToken } from "../providers/token-vault";
import { runWithRequestContext } from "../request-context";
import { AccountsReadError } from "./accounts-read-error";
import { ACCOUNTS_TIMEOUT_MS, fetchAccounts } from "./fetch-accounts";
import { parseAccounts } from "./parse-accounts";
import { type AccountsTrigger, failAccountRead, startAccountRead, storeAccounts } from "./queries";
import { ACCOUNT_READ_FAILURES, type AccountReadFailure } from "./read-failure";

export type ReadAccountsResult =
  | { status: "succeeded"; count: number }
  | { status: "failed"; reason: AccountReadFailure; retryable: boolean }
  /** Nothing to read: the provider has no accounts endpoint, or the connection is gone. */
  | { status: "skipped"; why: "no_accounts_endpoint" | "not_active" };

export interface ReadAccountsOptions {
  userId: string;
  connectionId: string;
  trigger: AccountsTrigger;
  /** Tests shorten it; the default is ACCOUNTS_TIMEOUT_MS. */
  timeoutMs?: number;
}

export async function readAccounts(options: ReadAccountsOptions): Promise<ReadAccountsResult> {
  const correlationId = randomUUID();
  return runWithRequestContext({ correlationId }, () => read(options, correlationId));
}

async function read({ userId, connectionId, trigger, timeoutMs }: ReadAccountsOptions, correlationId: string): Promise<ReadAccountsResult> {
  const log = getLogger().child({ connectionId, trigger });
  const db = await getDb();
  const connection = await findOwnedConnection({ db, userId, connectionId });
  if (!connection || connection.status !== "active") return { status: "skipped", why: "not_active" };
  const endpoint = findProvider(connection.providerSlug)?.accounts;
  if (!endpoint) return { status: "skipped", why: "no_accounts_endpoint" };

  const readId = await startAccountRead({ connectionId, userId, providerSlug: connection.providerSlug, correlationId, trigger });
  const startedAt = Date.now();
  log.info({ providerSlug: connection.providerSlug }, "accounts read started");
  try {
    // Right after a connect the token is seconds old: don't refresh it just because its whole
    // lifetime is shorter than the sweep's lead time (a 401 still forces one refresh).
    const issued = trigger === "connect" ? usableIssuedToken(connection, timeoutMs ?? ACCOUNTS_TIMEOUT_MS) : null;
    const accounts = await fetchAndParse({ userId, connectionId, endpoint, timeoutMs, issued });
    const stored = await storeAccounts({ readId, connectionId, userId, accounts, readAt: new Date() });
    if (!stored) {
      // Disconnected (or needing a reconnect) while the read was in flight: keep nothing.
      await failAccountRead({ readId, reason: "needs_reconnect" });
      return { status: "skipped", why: "not_active" };
    }
    log.info({ accounts: accounts.length, ms: Date.now() - startedAt }, "accounts read succeeded");
    return { status: "succeeded", count: accounts.length };
  } catch (error) {
    if (!(error instanceof AccountsReadError)) {
      await failAccountRead({ readId, reason: "provider_error" }).catch(() => undefined);
      throw error;
    }
    await failAccountRead({ readId, reason: error.reason });
    log.warn({ reason: error.reason, detail: error.detail, ms: Date.now() - startedAt }, "accounts read failed");
    return { status: "failed", reason: error.reason, retryable: ACCOUNT_READ_FAILURES[error.reason].retryable };
  }
}

async function fetchAndParse({
  userId,
  connectionId,
  endpoint,
  timeoutMs,
  issued,
}: {
  userId: string;
  connectionId: string;
  endpoint: AccountsEndpoint;
  timeoutMs: number | undefined;
  issued: string | null;
}) {
  let token = issued ?? (await freshToken(userId, connectionId));
  let response = await fetchAccounts(endpoint.url, token, { timeoutMs });
  if (response.status === 401) {
    // One forced refresh (skipped if a racer already replaced this token), one retry.
    await refreshConnection({ connectionId, lock: "wait", rejectedAccessToken: token });
    token = await freshToken(userId, connectionId);
    response = await fetchAccounts(endpoint.url, token, { timeoutMs });
    if (response.status === 401) throw new AccountsReadError("unauthorized", "401 again after a refresh");
  }
  if (response.status === 429) throw new AccountsReadError("rate_limited", "HTTP 429");
  if (response.status < 200 || response.status > 299) throw new AccountsReadError("provider_error", `HTTP ${response.status}`);

  const parsed = parseAccounts(endpoint.format, response.text, { idKey: env.accountIdKey });
  if (!parsed.ok) throw new AccountsReadError(parsed.reason, parsed.detail);
  return parsed.accounts;
}

/** The stored access token when it outlives two tries of this read, else null (then getFreshAccessToken decides). */
function usableIssuedToken(connection: ProviderConnection, timeoutMs: number): string | null {
  const { accessTokenEnc, accessTokenExpiresAt } = connection;
  if (!accessTokenEnc || !accessTokenExpiresAt) return null;
  if (accessTokenExpiresAt.getTime() - Date.now() <= 2 * timeoutMs) return null;
  return openConnectionToken(connection.id, "access_token", accessTokenEnc);
}

async function freshToken(userId: string, connectionId: string): Promise<string> {
  try {
    return await getFreshAccessToken({ userId, connectionId });
  } catch (error) {
    if (!(error instanceof ExpectedError)) throw error;
    // Still active: the refresh failed for a passing reason (bank down); else the grant is dead.
    const connection = await findOwnedConnection({ db: await getDb(), userId, connectionId });
    if (connection?.status === "active") throw new AccountsReadError("provider_error", `token not renewed (${error.code})`);
    throw new AccountsReadError("needs_reconnect", error.code);
  }
}
