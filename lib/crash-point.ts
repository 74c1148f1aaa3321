/**
 * A test seam for crash tests (docs/DESIGN.md §7): named points inside the use-cases where a
 * test can make the work stop dead, as a SIGKILL would, to prove the recovery pass finishes it.
 * Production cannot trigger it: nothing reads a request, a header or an env var here, and a
 * hook can only be installed from code while NODE_ENV is `test`.
 */
import { env } from "./env";

export type CrashPointName =
  /** `withEvents`: the transaction committed, its handlers not yet dispatched. */
  | "events:after-commit"
  /** The dispatcher: the audit handler ran, the email handler not yet. */
  | "events:after-audit-handler"
  /** The callback: the state is claimed, the code not yet exchanged. */
  | "connect:after-claim"
  /** The callback: the code was exchanged, the grant not yet stored. */
  | "connect:after-exchange"
  /** The callback: the grant is kept (sealed) on the state, the connection not yet activated. */
  | "connect:after-grant-kept";

/** Thrown by a test hook; a use-case must never catch it as an ordinary failure. */
export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPointName) {
    super(`simulated crash at ${point}`);
    this.name = "SimulatedCrash";
  }
}

let hook: ((point: CrashPointName) => void) | null = null;

/** A no-op unless a test installed a hook. */
export function crashPoint(point: CrashPointName): void {
  if (hook) hook(point);
}

/**
 * Tests only: crash (throw SimulatedCrash) the `nth` time `point` is reached from now (default:
 * the first). Returns the undo.
 */
export function crashAt(point: CrashPointName, { nth = 1 }: { nth?: number } = {}): () => void {
  if (env.NODE_ENV !== "test") throw new Error("crash points exist only in tests");
  let seen = 0;
  hook = (reached) => {
    if (reached !== point || ++seen < nth) return;
    hook = null;
    throw new SimulatedCrash(reached);
  };
  return () => {
    hook = null;
  };
}

export function isSimulatedCrash(error: unknown): error is SimulatedCrash {
  return error instanceof SimulatedCrash;
}
