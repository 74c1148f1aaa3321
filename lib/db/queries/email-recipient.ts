import { sql } from "drizzle-orm";

import { getDb } from "../client";
import { groupCommit } from "../group-commit";
import { jsonRows } from "../json-rows";
import { queryPrepared } from "../prepared-query";
import { resolveTimeZone } from "../../time-zone";

/** Where a notification to a user goes, and the zone its times are written in. */
export interface EmailRecipient {
  email: string;
  /** Their stored zone, else UTC (also for a stored name the runtime does not know). */
  timeZone: string;
}

/**
 * The user's current address and time zone, read together (one row, one read), or null when
 * the user does not exist. Reads made at the same moment share one statement.
 */
export function emailRecipient({ userId }: { userId: string }): Promise<EmailRecipient | null> {
  return readRecipients(userId);
}

const readRecipients = groupCommit(async (userIds: string[]): Promise<(EmailRecipient | null)[]> => {
  const rows = await queryPrepared<{ id: string; email: string; time_zone: string | null }>(
    await getDb(),
    sql`select id, email, time_zone from users where id in (select id from ${jsonRows(userIds.map((id) => ({ id })), sql.raw("id text"), { joined: true })} as r)`,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return userIds.map((id) => {
    const row = byId.get(id);
    return row ? { email: row.email, timeZone: resolveTimeZone(row.time_zone).zone } : null;
  });
});
