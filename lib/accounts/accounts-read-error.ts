import type { AccountReadFailure } from "./read-failure";

/** A read that failed for a known reason; `detail` is for the log only, never for the user. */
export class AccountsReadError extends Error {
  constructor(
    readonly reason: AccountReadFailure,
    readonly detail: string,
  ) {
    super(`accounts read failed: ${reason}`);
    this.name = "AccountsReadError";
  }
}
