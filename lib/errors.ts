/**
 * An error the user can act on: it carries a stable code and a friendly message
 * that is safe to show. Anything else is unexpected: logged with an id, shown generically.
 */
export class ExpectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ExpectedError";
  }
}
