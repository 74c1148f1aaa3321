import { defineHandler } from "../handler";

/**
 * After a connect (or reconnect) succeeds, reads the connection's accounts — after the
 * response, with the dispatcher's retries and the recovery pass behind it, since the event
 * is already in the outbox. A read that failed for a passing reason (bank down, rate limit,
 * timeout) throws so the dispatcher tries again later; one that cannot get better by
 * retrying (bad data, needs reconnect) is recorded in `account_reads` and ends here.
 * Idempotent: a second run reads the accounts again and replaces them.
 *
 * Runs last, so a slow bank never delays the audit row or the email.
 */
export const accountsHandler = defineHandler({
  name: "accounts",
  receives: ["ProviderConnectionSucceeded"],
  async handle(event) {
    // Imported when run: lib/accounts uses lib/connections, which imports this folder's
    // runtime; a static import would make a module cycle at start-up.
    const { readAccounts } = await import("../../accounts/read-accounts");
    const result = await readAccounts({ userId: event.userId, connectionId: event.connectionId, trigger: "connect" });
    if (result.status === "failed" && result.retryable) throw new Error(`accounts read failed (${result.reason}); will retry`);
  },
});
