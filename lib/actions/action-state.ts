/** What every server action answers to `useActionState`. */
export type ActionState =
  | { status: "idle" }
  | { status: "success"; message: string }
  | { status: "error"; message: string; fieldErrors?: Record<string, string[] | undefined> };

export const idleState: ActionState = { status: "idle" };

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
