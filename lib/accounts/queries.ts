/**
 * Named reads and writes of the accounts domain (`provider_accounts`, `account_reads`).
 * Every user-facing read filters by `userId` in the query itself.
 */
import { randomUUID } from "node:crypto";

import { asc, desc, eq } from "drizzle-orm";

import { getDb } from "../db/client";
import { accountReads, providerAccounts, providerConnections, type AccountRead, type ProviderAccount } from "../db/schema";
import type { ParsedAccount } from "./parsed-account";
import type { AccountReadFailure } from "./read-failure";

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
  await db.insert(accountReads).values({ id, ...read });
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

/** The dashboard's view: each of the user's connections' accounts and latest read. */
export async function accountsOverviewForUser({ userId }: { userId: string }): Promise<{
  accounts: Map<string, ProviderAccount[]>;
  latestReads: Map<string, AccountRead>;
}> {
  const db = await getDb();
  const [accountRows, readRows] = await Promise.all([
    db.select().from(providerAccounts).where(eq(providerAccounts.userId, userId)).orderBy(asc(providerAccounts.position)),
    // Latest read per connection, by Postgres' DISTINCT ON.
    db
      .selectDistinctOn([accountReads.connectionId])
      .from(accountReads)
      .where(eq(accountReads.userId, userId))
      .orderBy(accountReads.connectionId, desc(accountReads.startedAt)),
  ]);
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
