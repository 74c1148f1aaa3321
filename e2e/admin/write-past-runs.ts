/**
 * `npx tsx e2e/admin/write-past-runs.ts '<json>'`, run by audit-helpers.ts with the app's
 * environment: writes past workflow runs for one user straight to the audit trail through the
 * real writer (test/support/append-workflow-run.ts), so a spec has enough history to page through
 * without clicking Connect sixty times. Prints the runs' correlation ids as JSON.
 */
import { eq } from "drizzle-orm";

import { appendPastRun, type PastRun } from "../../test/support/append-workflow-run";
import { closeDb, getDb } from "../../lib/db/client";
import { users } from "../../lib/db/schema";

export interface PastRunSpec {
  workflow: PastRun["workflow"];
  outcome: PastRun["outcome"];
  providerSlug: string;
  providerName: string;
  reason?: PastRun["reason"];
  needsUserAction?: boolean;
  minutesAgo: number;
  system?: boolean;
}

const { email, runs } = JSON.parse(process.argv[2] ?? "{}") as { email: string; runs: PastRunSpec[] };
try {
  const db = await getDb();
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no user ${email}`);
  const ids: string[] = [];
  for (const run of runs) {
    const { correlationId } = await appendPastRun({
      ...run,
      userId: user.id,
      connectionId: crypto.randomUUID(),
      actor: run.system ? { type: "system" } : { type: "user", userId: user.id },
      ipAddress: run.system ? null : "198.51.100.23",
      userAgent: run.system ? null : "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
      startedAt: new Date(Date.now() - run.minutesAgo * 60_000),
      durationMs: 700,
    });
    ids.push(correlationId);
  }
  console.log(JSON.stringify(ids));
} finally {
  await closeDb();
}
