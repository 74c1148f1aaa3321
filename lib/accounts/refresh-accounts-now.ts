/**
 * "Refresh accounts" on a connection card: the owner asks for a new read. The ownership
 * check is in readAccounts' query (someone else's id reads as "not active"); rate-limited
 * per user, since every read costs a call to the bank.
 */
import { ExpectedError } from "../errors";
import { consumeRateLimit } from "../rate-limit";
import { readAccounts, type ReadAccountsResult } from "./read-accounts";

export const ACCOUNTS_REFRESH_RATE_LIMIT = { limit: 20, windowSeconds: 10 * 60 };

export async function refreshAccountsNow({ userId, connectionId }: { userId: string; connectionId: string }): Promise<ReadAccountsResult> {
  const rate = await consumeRateLimit({ key: `accounts:${userId}`, ...ACCOUNTS_REFRESH_RATE_LIMIT });
  if (!rate.allowed) throw new ExpectedError("rate_limited", "You have refreshed accounts several times in a short while. Please wait a few minutes.");
  return readAccounts({ userId, connectionId, trigger: "manual" });
}
