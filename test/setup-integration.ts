import { afterAll } from "vitest";

import { closeDb } from "../lib/db/client";

// Each test file gets its own connection (and, on PGlite, releases the folder for the next file).
afterAll(async () => {
  await closeDb();
});
