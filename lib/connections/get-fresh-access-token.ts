/**
 * The one way code inside Ledgerlink gets a provider access token: refreshed first when
 * it is due (waiting behind a refresh already under way rather than starting another).
 */
import { ExpectedError } from "../errors";
import { getDb } from "../db/client";
import type { ProviderConnection } from "../db/schema";
import { openConnectionToken } from "../providers/token-vault";
import { findOwnedConnection } from "./queries";
import { isRefreshDue, refreshConnection } from "./refresh-connection";

type HoldingToken = ProviderConnection & { accessTokenEnc: string };

/** Active and holding an access token: usable now, or once refreshed. */
function holdsToken(connection: ProviderConnection | null): connection is HoldingToken {
  return connection?.status === "active" && !!connection.accessTokenEnc;
}

export async function getFreshAccessToken({ userId, connectionId }: { userId: string; connectionId: string }): Promise<string> {
  const seenDueAt = new Date();
  const db = await getDb();
  const connection = await findOwnedConnection({ db, userId, connectionId });
  if (!holdsToken(connection)) {
    throw new ExpectedError("connection_unusable", "That connection needs to be reconnected before it can be used.");
  }
  let usable: HoldingToken | null = connection;
  // Only a due token is refreshed: one that is not due is handed out at once, without waiting
  // for the row lock of a refresh under way elsewhere.
  if (isRefreshDue(connection)) {
    // Stryker disable next-line StringLiteral: lockConnection waits for any value but "skip"; an empty string waits too.
    await refreshConnection({ connectionId, lock: "wait", seenDueAt });
    const renewed = await findOwnedConnection({ db, userId, connectionId });
    usable = holdsToken(renewed) ? renewed : null;
  }
  // Stryker disable next-line EqualityOperator: `<` differs only for a token read in the very millisecond it expires.
  if (!usable || (usable.accessTokenExpiresAt !== null && usable.accessTokenExpiresAt <= new Date())) {
    throw new ExpectedError("connection_unusable", "The provider did not renew access. Please try again or reconnect.");
  }
  return openConnectionToken(usable.id, "access_token", usable.accessTokenEnc);
}
