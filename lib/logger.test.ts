import { DrizzleQueryError } from "drizzle-orm/errors";
import { expect, test } from "vitest";

import { serializeError } from "./logger";

test("a failed query is logged with its statement and cause, never its parameter values", () => {
  const cause = new Error('duplicate key value violates unique constraint "dev_mailbox_pkey"');
  const error = new DrizzleQueryError('insert into "dev_mailbox" ("html") values ($1)', ["<a href='…?token=s3cr3t-token'>"], cause);
  const logged = JSON.stringify(serializeError(error));
  expect(logged).toContain('insert into \\"dev_mailbox\\"');
  expect(logged).toContain("duplicate key value");
  expect(logged).not.toContain("s3cr3t-token");
});

test("other errors are serialised as usual", () => {
  const logged = serializeError(new Error("plain failure"));
  expect(logged.message).toBe("plain failure");
  expect(logged.stack).toContain("plain failure");
});
