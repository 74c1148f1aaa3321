import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, expect, test, vi } from "vitest";

import { scrubConsoleErrors, withoutQueryValues } from "./scrub-console-errors";

const secretCursor = "+275760-09-13T00:00:00.000Z";
const secretEmail = "someone@example.test";

function queryError() {
  const cause = new Error(`invalid input syntax for type timestamp with time zone: "${secretCursor}"`);
  return new DrizzleQueryError("select * from audit_logs where occurred_at < $1 and email = $2", [secretCursor, secretEmail], cause);
}

function printed(spy: ReturnType<typeof vi.fn>): string {
  return spy.mock.calls
    .flat()
    .map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}\n${String((arg.cause as Error | undefined)?.message)}` : String(arg)))
    .join("\n");
}

afterEach(() => vi.restoreAllMocks());

test("what Next prints for a failed query names the statement, never its values", () => {
  const sink = vi.fn();
  vi.spyOn(console, "error").mockImplementation(sink);
  scrubConsoleErrors();
  console.error(queryError());
  console.error("⨯", Object.assign(new Error("render failed", { cause: queryError() }), { digest: "123" }));

  const output = printed(sink);
  expect(output).toContain("Failed query: select * from audit_logs where occurred_at < $1");
  expect(output).not.toContain(secretCursor);
  expect(output).not.toContain(secretEmail);
});

test("other errors are printed as they were", () => {
  const error = new Error("plain");
  expect(withoutQueryValues(error)).toBe(error);
  expect(withoutQueryValues("text")).toBe("text");
});
