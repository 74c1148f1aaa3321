/**
 * The one way code inside Ledgerlink gets a provider access token: refreshed first when
 * it is due (waiting behind a refresh already under way rather than starting another).
 */
import { ExpectedError } from "../errors";
import { getDb } from "../db/client";
import { openConnectionToken } from "../providers/token-vault";
import { findOwnedConnection } from "./queries";
import { isRefreshDue, refreshConnection } from "./refresh-connection";

export async function getFreshAccessToken({ userId, connectionId }: { userId: string; connectionId: string }): Promise<string> {
  const seenDueAt = new Date();
  const db = await getDb();
  let connection = await findOwnedConnection({ db, userId, connectionId });
  if (!connection || connection.status !== "active" || !connection.accessTokenEnc) {
    throw new ExpectedError("connection_unusable", "That connection needs to be reconnected before it can be used.");
  }
  if (isRefreshDue(connection)) {
    // Stryker disable next-line StringLiteral: lockConnection waits for any value but "skip"; an empty string waits too.
    await refreshConnection({ connectionId, lock: "wait", seenDueAt });
    connection = await findOwnedConnection({ db, userId, connectionId });
  }
  // Stryker disable next-line EqualityOperator: `>=` differs only for a token read in the very millisecond it expires.
  const stillValid = !connection?.accessTokenExpiresAt || connection.accessTokenExpiresAt > new Date();
  if (connection?.status !== "active" || !connection.accessTokenEnc || !stillValid) {
    throw new ExpectedError("connection_unusable", "The provider did not renew access. Please try again or reconnect.");
  }
  return openConnectionToken(connection.id, "access_token", connection.accessTokenEnc);
}
