/**
 * Rejected requests anyone can repeat at will (rate-limited attempts, callbacks with no state
 * of theirs, disconnects of ids they do not own) must not let a user write unlimited audit
 * rows. Per user, audit action and window, the first such request is recorded in full (its
 * events go through `emitNow`); the others only add one to `audit_collapsed.count`, which the
 * audit trail reads beside that first row. audit_logs stays append-only (docs/DESIGN.md §7).
 */
import { sql } from "drizzle-orm";

import { COLLAPSE_WINDOW_SECONDS } from "../audit/collapse-window";
import { getDb, queryRows } from "../db/client";
import { iso } from "../db/sql-values";
import { getLogger } from "../logger";
import { emitNow } from "./emit";
import { EVENT_CATALOG } from "./event-catalog";
import type { DomainEvent } from "./events";

/** The window in which repeats collapse into one audited row and a count. */
export { COLLAPSE_WINDOW_SECONDS };

/**
 * Emits `events` (an Attempted event and its outcome, or an outcome alone) only for the first
 * rejected request of its kind in the window; the key is the user and the last event's audit
 * action. Answers whether the events were emitted. Never throws.
 */
export async function emitCollapsed(userId: string, events: DomainEvent[], now = new Date()): Promise<boolean> {
  const outcome = events.at(-1);
  if (!outcome) return false;
  const action = EVENT_CATALOG[outcome.type].auditAction;
  const windowMs = COLLAPSE_WINDOW_SECONDS * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  let count = 1;
  try {
    const [row] = await queryRows<{ count: number }>(
      await getDb(),
      sql`insert into audit_collapsed (user_id, action, window_start, count) values (${userId}, ${action}, ${iso(windowStart)}::timestamptz, 1)
          on conflict (user_id, action, window_start) do update set count = audit_collapsed.count + 1
          returning count`,
    );
    count = Number(row?.count ?? 1);
  } catch (error) {
    // Counting failed: record the events in full rather than lose them.
    getLogger().error({ err: error, action }, "could not count a collapsed request; recording it in full");
  }
  if (count > 1) return false;
  for (const event of events) await emitNow(event);
  return true;
}

