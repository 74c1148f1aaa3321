/**
 * Named reads and writes of the accounts domain (`provider_accounts`, `account_reads`).
 * Every user-facing read filters by `userId` in the query itself.
 */
import { randomUUID } from "node:crypto";

import { asc, desc, eq, sql } from "drizzle-orm";

import { getDb, queryRows } from "../db/client";
import { accountReads, providerAccounts, providerConnections, type AccountRead, type ProviderAccount } from "../db/schema";
import { iso } from "../db/sql-values";
import { ACCOUNTS_CATCH_UP_RETRY_POLICY, backoffDelayMs } from "../retry-policy";
import type { ParsedAccount } from "./parsed-account";
import { ACCOUNT_READ_FAILURES, type AccountReadFailure } from "./read-failure";

export type AccountsTrigger = "connect" | "manual";

export async function startAccountRead(read: {
  connectionId: string;
  userId: string;
  providerSlug: string;
  correlationId: string;
  trigger: AccountsTrigger;
}): Promise<string> {
  const db = await getDb();
  const id = randomUUID();
  // The app's clock, like provider_connections.connected_at: the catch-up compares the two.
  await db.insert(accountReads).values({ id, ...read, startedAt: new Date() });
  return id;
}

export async function failAccountRead({ readId, reason }: { readId: string; reason: AccountReadFailure }): Promise<void> {
  const db = await getDb();
  await db.update(accountReads).set({ outcome: "failed", reason, finishedAt: new Date() }).where(eq(accountReads.id, readId));
}

/**
 * Replaces the connection's accounts with a good read's, all at once. Under the connection's
 * row lock, and only while it is still active: a disconnect that won the race (it deletes the
 * accounts) is not undone by a read that was already in flight.
 */
export async function storeAccounts({
  readId,
  connectionId,
  userId,
  accounts,
  readAt,
}: {
  readId: string;
  connectionId: string;
  userId: string;
  accounts: ParsedAccount[];
  readAt: Date;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: providerConnections.status })
      .from(providerConnections)
      .where(eq(providerConnections.id, connectionId))
      .for("update");
    if (row?.status !== "active") return false;
    await tx.delete(providerAccounts).where(eq(providerAccounts.connectionId, connectionId));
    if (accounts.length > 0) {
      await tx.insert(providerAccounts).values(
        accounts.map((account, position) => ({ id: randomUUID(), connectionId, userId, position, readAt, ...account })),
      );
    }
    await tx
      .update(accountReads)
      .set({ outcome: "succeeded", accountCount: accounts.length, finishedAt: new Date() })
      .where(eq(accountReads.id, readId));
    return true;
  });
}

/**
 * Active connections whose first accounts read since they were (re)connected has not
 * happened: no read since `connected_at` succeeded or failed for good, fewer than the
 * policy's tries were made, and the policy's wait since the last try (or since the connect,
 * which stands for the read after the response) is over. A read still `running` counts as
 * a try: a process that died mid-read leaves one behind. Oldest first, at most `limit`.
 * Derived from `provider_connections` and `account_reads` alone, so a read lost with its
 * process (after the commit, before or during `after()`) is still found.
 */
export async function connectionsAwaitingFirstRead({
  providerSlugs,
  now,
  limit,
}: {
  /** Providers that have an accounts endpoint (the others are never read). */
  providerSlugs: string[];
  now: Date;
  limit: number;
}): Promise<Array<{ connectionId: string; userId: string }>> {
  if (providerSlugs.length === 0 || limit <= 0) return [];
  const policy = ACCOUNTS_CATCH_UP_RETRY_POLICY;
  const final = (Object.keys(ACCOUNT_READ_FAILURES) as AccountReadFailure[]).filter((reason) => !ACCOUNT_READ_FAILURES[reason].retryable);
  // The last try must have started before now minus the wait after that many tries; no jitter
  // (the sweep's own interval already spreads the retries).
  const lastTryBefore = sql.join(
    Array.from({ length: policy.maxAttempts }, (_, index) => {
      const tries = index + 1;
      return sql`when ${tries}::int then ${iso(new Date(now.getTime() - backoffDelayMs(policy, tries, () => 0)))}::timestamptz`;
    }),
    sql` `,
  );
  const db = await getDb();
  const rows = await queryRows<{ connection_id: string; user_id: string }>(
    db,
    sql`select c.id as connection_id, c.user_id
        from provider_connections c
        cross join lateral (
          select count(*)::int as tries,
                 max(r.started_at) as last_try,
                 coalesce(bool_or(r.outcome = 'succeeded' or r.reason in (${sql.join(final.map((reason) => sql`${reason}`), sql`, `)})), false) as settled
          from account_reads r
          where r.connection_id = c.id and r.started_at >= c.connected_at
        ) t
        where c.status = 'active'
          and c.connected_at is not null
          and c.provider_slug in (${sql.join(providerSlugs.map((slug) => sql`${slug}`), sql`, `)})
          and not t.settled
          and t.tries < ${policy.maxAttempts}
          and coalesce(t.last_try, c.connected_at) <= case greatest(t.tries, 1) ${lastTryBefore} end
        order by coalesce(t.last_try, c.connected_at)
        limit ${limit}`,
  );
  return rows.map((row) => ({ connectionId: row.connection_id, userId: row.user_id }));
}

/** The dashboard's view: each of the user's connections' accounts and latest read. */
export async function accountsOverviewForUser({ userId }: { userId: string }): Promise<{
  accounts: Map<string, ProviderAccount[]>;
  latestReads: Map<string, AccountRead>;
}> {
  const db = await getDb();
  // One snapshot for both: read apart, a read that committed between them showed "succeeded"
  // beside the accounts from before it (none, on a first read: "reported no accounts").
  const [accountRows, readRows] = await db.transaction(
    async (tx) => [
      await tx.select().from(providerAccounts).where(eq(providerAccounts.userId, userId)).orderBy(asc(providerAccounts.position)),
      // Latest read per connection, by Postgres' DISTINCT ON.
      await tx
        .selectDistinctOn([accountReads.connectionId])
        .from(accountReads)
        .where(eq(accountReads.userId, userId))
        .orderBy(accountReads.connectionId, desc(accountReads.startedAt)),
    ] as const,
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
  const accounts = new Map<string, ProviderAccount[]>();
  for (const row of accountRows) accounts.set(row.connectionId, [...(accounts.get(row.connectionId) ?? []), row]);
  return { accounts, latestReads: new Map(readRows.map((row) => [row.connectionId, row])) };
}

/** The user's own reads for /activity, newest first. */
export async function listAccountReadsForUser({ userId, limit = 10 }: { userId: string; limit?: number }): Promise<AccountRead[]> {
  const db = await getDb();
  return db.select().from(accountReads).where(eq(accountReads.userId, userId)).orderBy(desc(accountReads.startedAt)).limit(limit);
}

/** Failed reads across all users, for the admin. */
export async function listFailedAccountReads({ limit = 50 }: { limit?: number } = {}): Promise<AccountRead[]> {
  const db = await getDb();
  return db.select().from(accountReads).where(eq(accountReads.outcome, "failed")).orderBy(desc(accountReads.startedAt)).limit(limit);
}
