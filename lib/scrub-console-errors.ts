/**
 * Next prints the errors it catches (a page or route that throws) with `console.error`,
 * past our logger and its scrubbing. A Drizzle query error's message lists the statement's
 * parameter values, and those are often the request's own query parameters (a filter's
 * email address, a cursor) or worse (a sealed token). This rewrites such errors, wherever
 * they sit in what is printed (or in its `cause` chain), to the statement and the
 * database's error without values; everything else is printed as it was.
 */
const QUOTED = /"[^"]*"/g;

function isQueryError(value: unknown): value is Error & { query: unknown; params: unknown } {
  return value instanceof Error && "query" in value && "params" in value;
}

/** The same error with no parameter value in it (other values are returned as they are). */
export function withoutQueryValues(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error) || depth > 5) return value;
  if (isQueryError(value)) {
    // Postgres quotes the offending input in its messages (`invalid input syntax …: "…"`).
    const cause = value.cause instanceof Error ? `: ${value.cause.message.replace(QUOTED, '"…"')}` : "";
    const safe = new Error(`Failed query: ${String(value.query)}${cause}`);
    safe.name = value.name;
    safe.stack = `${safe.name}: ${safe.message}\n${(value.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line)).join("\n")}`;
    if ("digest" in value) Object.assign(safe, { digest: value.digest });
    return safe;
  }
  if (value.cause !== undefined) {
    const cause = withoutQueryValues(value.cause, depth + 1);
    if (cause !== value.cause) {
      const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as Error, value);
      Object.defineProperties(copy, {
        message: { value: value.message, writable: true, configurable: true },
        stack: { value: value.stack, writable: true, configurable: true },
        cause: { value: cause, writable: true, configurable: true },
      });
      return copy;
    }
  }
  return value;
}

let installed = false;

/** Once per process, at start-up (instrumentation-node.ts). */
export function scrubConsoleErrors(): void {
  if (installed) return;
  installed = true;
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => print(...args.map((arg) => withoutQueryValues(arg)));
}
