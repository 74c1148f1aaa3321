import type { ProviderConnection } from "../db/schema";
import { env } from "../env";
import { needsUser } from "./state-machine";

/**
 * Whether the user may run the connect flow again on this connection: it needs them
 * (expired, revoked, failed), its first attempt was never finished (pending), or its
 * hard consent lifetime ends within REAUTH_WARNING_HOURS (renew before it breaks).
 */
export function isReconnectable(
  connection: Pick<ProviderConnection, "status" | "refreshTokenExpiresAt">,
  now = new Date(),
): boolean {
  if (needsUser(connection.status) || connection.status === "pending") return true;
  const hardExpiry = connection.refreshTokenExpiresAt;
  return (
    connection.status === "active" &&
    !!hardExpiry &&
    hardExpiry.getTime() - now.getTime() <= env.REAUTH_WARNING_HOURS * 3600 * 1000
  );
}
