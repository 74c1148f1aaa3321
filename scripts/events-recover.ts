/**
 * `npm run events:recover [-- --older-than-ms 60000 --limit 200]`: one recovery pass over the
 * outbox and the email deliveries (the cron route runs the same), then prints the summary.
 * Exits 1 when something was given up in this pass, so a scheduler can alert on it.
 */
import { parseArgs } from "node:util";

import { closeDb } from "../lib/db/client";
import { recoverEvents } from "../lib/events/recover-events";

const { values } = parseArgs({
  options: {
    "older-than-ms": { type: "string" },
    limit: { type: "string" },
  },
});

function optionalInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0 (got "${value}")`);
  return n;
}

try {
  const summary = await recoverEvents({
    olderThanMs: optionalInt("older-than-ms", values["older-than-ms"]),
    limit: optionalInt("limit", values.limit),
  });
  console.log(JSON.stringify(summary));
  process.exitCode = summary.dead > 0 ? 1 : 0;
} finally {
  await closeDb();
}
