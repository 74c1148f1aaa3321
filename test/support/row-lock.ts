/**
 * A second instance holding a row, for tests of row locks. PostgreSQL only: PGlite has one
 * connection and runs one transaction at a time, so nothing there ever finds a row taken.
 */
import { sql, type SQL } from "drizzle-orm";

import { getDb } from "@/lib/db/client";

/**
 * Runs `work` while another transaction holds the rows `lockQuery` (a SELECT … FOR …) locks,
 * and lets them go once `work` has finished or `holdMs` has passed, whichever comes first.
 * `finishedWhileHeld` tells which: true when `work` did not wait for the rows.
 */
export async function whileLocked<T>(lockQuery: SQL, work: () => Promise<T>, { holdMs = 1_000 } = {}) {
  const db = await getDb();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = db.transaction(async (tx) => {
    await tx.execute(lockQuery);
    locked();
    await released;
  });
  await isLocked;
  const running = work();
  let timer: NodeJS.Timeout | undefined;
  const finishedWhileHeld = await Promise.race([
    running.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), holdMs))),
  ]);
  clearTimeout(timer);
  release();
  await holder;
  return { result: await running, finishedWhileHeld };
}

/**
 * Holds one connection's row (FOR NO KEY UPDATE: it blocks refreshConnection's FOR UPDATE,
 * not a foreign-key check against the row) while `work` runs.
 */
export function whileConnectionHeld<T>(connectionId: string, work: () => Promise<T>, options?: { holdMs?: number }) {
  return whileLocked(sql`select 1 from provider_connections where id = ${connectionId} for no key update`, work, options);
}
