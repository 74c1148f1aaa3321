/**
 * Every read and write of `provider_connections`, by name. Use-cases orchestrate; these touch
 * the table. Status changes go through the state machine (`assertTransition`), and tokens are
 * sealed here, on their way into the row.
 */
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";

import { getDb, type Executor, type Transaction } from "../db/client";
import { providerConnections, users, type ProviderConnection } from "../db/schema";
import type { RefreshFailureReason } from "../failure-reasons";
import type { RevocationOutcome, TokenSet } from "../providers/oauth-client";
import { sealConnectionToken } from "../providers/token-vault";
import { assertTransition } from "./state-machine";

/** What the dashboard shows: never the sealed tokens. */
export type ConnectionSummary = Omit<ProviderConnection, "accessTokenEnc" | "refreshTokenEnc">;

export async function listConnectionsForUser({ userId }: { userId: string }): Promise<ConnectionSummary[]> {
  const db = await getDb();
  const { accessTokenEnc: _a, refreshTokenEnc: _r, ...columns } = getTableColumns(providerConnections);
  return db
    .select(columns)
    .from(providerConnections)
    .where(and(eq(providerConnections.userId, userId), ne(providerConnections.status, "disconnected")))
    .orderBy(desc(providerConnections.createdAt));
}

/** A connection only if `userId` owns it: the ownership check lives in the query itself. */
export async function findOwnedConnection({
  db,
  userId,
  connectionId,
  forUpdate = false,
}: {
  db: Executor;
  userId: string;
  connectionId: string;
  forUpdate?: boolean;
}): Promise<ProviderConnection | null> {
  const query = db
    .select()
    .from(providerConnections)
    .where(and(eq(providerConnections.id, connectionId), eq(providerConnections.userId, userId)))
    .limit(1);
  const [row] = forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

/**
 * The row under its lock, for a refresh. `skip`: null when another process holds it.
 *
 * The refresh's statements (this, markRefreshed, recordRefreshFailure, the sweep's claim) run
 * as prepared statements (`.prepare(name)`; their text never changes): one round trip each
 * instead of two, and the server parses them once per connection (lib/db/prepared-query.ts).
 */
export async function lockConnection(tx: Transaction, connectionId: string, lock: "skip" | "wait"): Promise<ProviderConnection | null> {
  const query = tx.select().from(providerConnections).where(eq(providerConnections.id, connectionId)).limit(1);
  const locked = lock === "skip" ? query.for("update", { skipLocked: true }) : query.for("update");
  const [row] = await locked.prepare(`lock_connection_${lock}`).execute();
  return row ?? null;
}

/** Live aliases a user already holds at a provider (a disconnected row frees its alias). */
export async function aliasesInUse({ db, userId, providerSlug }: { db: Executor; userId: string; providerSlug: string }) {
  return db
    .select({ id: providerConnections.id, alias: providerConnections.alias, status: providerConnections.status })
    .from(providerConnections)
    .where(
      and(
        eq(providerConnections.userId, userId),
        eq(providerConnections.providerSlug, providerSlug),
        ne(providerConnections.status, "disconnected"),
      ),
    );
}

/** Renames a live connection of the user's (the unique index settles a race between two renames). */
export async function setAlias(tx: Transaction, { connectionId, userId, alias }: { connectionId: string; userId: string; alias: string }) {
  await tx
    .update(providerConnections)
    .set({ alias, updatedAt: new Date() })
    .where(and(eq(providerConnections.id, connectionId), eq(providerConnections.userId, userId)));
}

export async function insertPendingConnection(
  tx: Transaction,
  values: { id: string; userId: string; providerSlug: string; alias: string },
): Promise<void> {
  await tx.insert(providerConnections).values({ ...values, status: "pending" });
}

/** A pending connection whose flow failed or was abandoned becomes `failed`; any other status is left as it is. */
export async function failPendingConnection(
  executor: Executor,
  { connectionId, reason, now }: { connectionId: string; reason: string; now: Date },
): Promise<void> {
  await executor
    .update(providerConnections)
    .set({ status: assertTransition("pending", "fail"), statusReason: reason, updatedAt: now })
    .where(and(eq(providerConnections.id, connectionId), eq(providerConnections.status, "pending")));
}

/** Changes the row of one connection, by id: the named writes below that target a single row all go through here, so none can lose its `where`. */
function updateConnectionRow(executor: Executor, connectionId: string, change: PgUpdateSetSource<typeof providerConnections>) {
  return executor.update(providerConnections).set(change).where(eq(providerConnections.id, connectionId));
}

/** Sealed tokens from a token response: a response without a refresh token keeps the stored one. */
function sealedTokens(row: ProviderConnection, tokens: TokenSet) {
  return {
    accessTokenEnc: sealConnectionToken(row.id, "access_token", tokens.accessToken),
    refreshTokenEnc: tokens.refreshToken ? sealConnectionToken(row.id, "refresh_token", tokens.refreshToken) : row.refreshTokenEnc,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    tokenType: tokens.tokenType,
  };
}

/** The callback's grant makes the connection active (renewing consent keeps an active one active). */
export async function activateConnection(
  tx: Transaction,
  { row, tokens, refreshTokenExpiresAt, now }: { row: ProviderConnection; tokens: TokenSet; refreshTokenExpiresAt: Date | null; now: Date },
): Promise<void> {
  await updateConnectionRow(tx, row.id, {
    status: assertTransition(row.status, row.status === "active" ? "refresh" : "activate"),
    statusReason: null,
    ...sealedTokens(row, tokens),
    scope: tokens.scope,
    refreshTokenExpiresAt,
    connectedAt: now,
    lastRefreshedAt: null,
    refreshFailures: 0,
    nextRefreshAttemptAt: null,
    reauthWarningSentAt: null,
    updatedAt: now,
  });
}

export async function markRefreshed(tx: Transaction, { row, tokens, now }: { row: ProviderConnection; tokens: TokenSet; now: Date }) {
  await updateConnectionRow(tx, row.id, {
    ...sealedTokens(row, tokens),
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? row.refreshTokenExpiresAt,
    scope: tokens.scope ?? row.scope,
    lastRefreshedAt: new Date(),
    refreshFailures: 0,
    nextRefreshAttemptAt: null,
    statusReason: null,
    updatedAt: now,
    refreshLeaseUntil: null, // attempt done: the sweep's claim ends with it
  })
    .prepare("mark_refreshed")
    .execute();
}

/**
 * A failure only the user can fix ends the grant (`expired` or `revoked`, credentials wiped);
 * anything else keeps the connection active and schedules the next try at `nextAttemptAt`.
 */
export async function recordRefreshFailure(
  tx: Transaction,
  { row, reason, needsUserAction, nextAttemptAt, now }: { row: ProviderConnection; reason: RefreshFailureReason; needsUserAction: boolean; nextAttemptAt: Date; now: Date },
): Promise<void> {
  const change = needsUserAction
    ? {
        status: assertTransition(row.status, reason === "provider_revoked" ? "revoke" : "expire"),
        // The grant is dead: keep nothing that looks like a credential.
        accessTokenEnc: null,
        refreshTokenEnc: null,
        nextRefreshAttemptAt: null,
      }
    : { refreshFailures: row.refreshFailures + 1, nextRefreshAttemptAt: nextAttemptAt };
  await updateConnectionRow(tx, row.id, { ...change, statusReason: reason, refreshLeaseUntil: null, updatedAt: now })
    .prepare(needsUserAction ? "record_refresh_failure_final" : "record_refresh_failure")
    .execute();
}

/** Terminal: credentials wiped, the row kept for the audit trail. */
export async function wipeAndDisconnect(
  tx: Transaction,
  { row, revocation, now }: { row: ProviderConnection; revocation: RevocationOutcome; now: Date },
): Promise<void> {
  await updateConnectionRow(tx, row.id, {
    status: assertTransition(row.status, "disconnect"),
    accessTokenEnc: null,
    refreshTokenEnc: null,
    accessTokenExpiresAt: null,
    refreshTokenExpiresAt: null,
    nextRefreshAttemptAt: null,
    revocationOutcome: revocation,
    disconnectedAt: now,
    updatedAt: now,
  });
}

/** Due now: active, access token expiring before `horizon`, not backing off. */
function isDue({ now, horizon }: { now: Date; horizon: Date }) {
  return and(
    eq(providerConnections.status, "active"),
    isNotNull(providerConnections.accessTokenExpiresAt),
    lte(providerConnections.accessTokenExpiresAt, horizon),
    or(isNull(providerConnections.nextRefreshAttemptAt), lte(providerConnections.nextRefreshAttemptAt, now)),
  );
}

/**
 * Claims up to `limit` due connections for one sweep, soonest expiry first, and returns their
 * ids: each gets a lease until `leaseSeconds` from now on the database clock (one clock for
 * every instance). `SKIP LOCKED` steps over rows another sweep is claiming this instant, and
 * the lease filter over rows it already holds, so concurrent sweeps get disjoint batches. A
 * lapsed lease (a sweep that crashed or was killed) is claimable again.
 */
export async function claimDueConnections({
  limit,
  now,
  horizon,
  leaseSeconds,
  notRefreshedSince,
}: {
  limit: number;
  now: Date;
  horizon: Date;
  leaseSeconds: number;
  /**
   * Skip rows refreshed after this (the sweep's start): a token that lives less than
   * REFRESH_AHEAD_SECONDS is due again at once, and one sweep must not refresh it twice.
   */
  notRefreshedSince: Date;
}): Promise<string[]> {
  const db = await getDb();
  const claimable = db
    .select({ id: providerConnections.id })
    .from(providerConnections)
    .where(
      and(
        isDue({ now, horizon }),
        or(isNull(providerConnections.lastRefreshedAt), lte(providerConnections.lastRefreshedAt, notRefreshedSince)),
        or(isNull(providerConnections.refreshLeaseUntil), lt(providerConnections.refreshLeaseUntil, sql`clock_timestamp()`)),
      ),
    )
    .orderBy(asc(providerConnections.accessTokenExpiresAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const rows = await db
    .update(providerConnections)
    .set({ refreshLeaseUntil: sql`clock_timestamp() + make_interval(secs => ${leaseSeconds})` })
    .where(inArray(providerConnections.id, claimable))
    .returning({ id: providerConnections.id })
    .prepare("claim_due_connections")
    .execute();
  return rows.map((r) => r.id);
}

/** Ends a sweep's claim on rows it did not attempt (out of time) or left as they were (skipped). */
export async function releaseRefreshClaims(connectionIds: string[]): Promise<void> {
  if (connectionIds.length === 0) return;
  const db = await getDb();
  await db.update(providerConnections).set({ refreshLeaseUntil: null }).where(inArray(providerConnections.id, connectionIds));
}

/** Active connections whose hard refresh lifetime ends between now and `horizon`, not yet warned, with the owner's email. */
export async function connectionsNeedingReauthWarning({ now, horizon, limit }: { now: Date; horizon: Date; limit: number }) {
  const db = await getDb();
  return db
    .select({
      id: providerConnections.id,
      userId: providerConnections.userId,
      alias: providerConnections.alias,
      providerSlug: providerConnections.providerSlug,
      expiresAt: providerConnections.refreshTokenExpiresAt,
      email: users.email,
      timeZone: users.timeZone,
    })
    .from(providerConnections)
    .innerJoin(users, eq(users.id, providerConnections.userId))
    .where(
      and(
        eq(providerConnections.status, "active"),
        isNull(providerConnections.reauthWarningSentAt),
        gt(providerConnections.refreshTokenExpiresAt, now),
        lte(providerConnections.refreshTokenExpiresAt, horizon),
      ),
    )
    .limit(limit);
}

export async function markReauthWarningSent({ connectionId, now }: { connectionId: string; now: Date }): Promise<void> {
  await updateConnectionRow(await getDb(), connectionId, { reauthWarningSentAt: now });
}
