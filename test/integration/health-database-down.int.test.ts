/** With the database unreachable, /api/health answers 503 (and says nothing more). */
import { afterAll, beforeAll, expect, test } from "vitest";

import { GET } from "@/app/api/health/route";

const previous = process.env.DATABASE_URL;
beforeAll(() => {
  // Nothing listens on port 1: the client fails to connect, as with a database that is down.
  process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/ledgerlink";
});
afterAll(() => {
  if (previous === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previous;
});

test("health is 503 with the database down", async () => {
  const response = await GET(new Request("http://localhost/api/health"), undefined);
  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ status: "error", database: { status: "down" } });
});
