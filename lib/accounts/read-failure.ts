/**
 * Why an accounts read failed: the code stored in `account_reads.reason`, and what the card
 * and /activity say about it (each message says what the person can do).
 */
export const ACCOUNT_READ_FAILURES = {
  needs_reconnect: { text: "The bank no longer accepts this connection. Reconnect it to see your accounts.", retryable: false },
  unauthorized: { text: "The bank refused to share your accounts. Try Refresh accounts; if it keeps failing, reconnect.", retryable: false },
  rate_limited: { text: "The bank asked us to slow down. Try Refresh accounts again in a minute.", retryable: true },
  provider_error: { text: "The bank's accounts service had a problem. Try Refresh accounts again later.", retryable: true },
  timeout: { text: "The bank took too long to answer. Try Refresh accounts again later.", retryable: true },
  network_error: { text: "We could not reach the bank. Try Refresh accounts again later.", retryable: true },
  not_json: { text: "The bank sent something we could not read. Try again later; we have logged it.", retryable: false },
  malformed: { text: "The bank sent something we could not read. Try again later; we have logged it.", retryable: false },
  too_many_accounts: { text: "The bank sent something we could not read. Try again later; we have logged it.", retryable: false },
} as const;

export type AccountReadFailure = keyof typeof ACCOUNT_READ_FAILURES;

export function accountReadFailureText(reason: string | null): string {
  return reason && reason in ACCOUNT_READ_FAILURES
    ? ACCOUNT_READ_FAILURES[reason as AccountReadFailure].text
    : "Something went wrong. Try Refresh accounts again later.";
}
