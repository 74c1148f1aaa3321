import "server-only";

/** The last sweep runs for /admin/operations (written by lib/sweep/record-sweep-run.ts). */
import { desc } from "drizzle-orm";

import { getDb } from "../db/client";
import { sweepRuns, type SweepRun } from "../db/schema";

export async function listSweepRuns({ limit = 20 }: { limit?: number } = {}): Promise<SweepRun[]> {
  const db = await getDb();
  return db.select().from(sweepRuns).orderBy(desc(sweepRuns.startedAt)).limit(limit);
}
