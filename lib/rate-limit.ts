/**
 * Fixed-window rate limits kept in Postgres, so every server instance counts together.
 */
import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "./db/client";

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

export async function consumeRateLimit({
  key,
  limit,
  windowSeconds,
  db,
  now = new Date(),
}: {
  key: string;
  limit: number;
  windowSeconds: number;
  db?: Executor;
  now?: Date;
}): Promise<RateLimitResult> {
  const executor = db ?? (await getDb());
  const windowMs = windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  // One statement: concurrent requests each get their own count, none is lost.
  const [row] = await queryRows<{ count: number }>(
    executor,
    sql`insert into rate_limits (key, window_start, count) values (${key}, ${windowStart.toISOString()}, 1)
        on conflict (key, window_start) do update set count = rate_limits.count + 1
        returning count`,
  );
  const count = Number(row?.count ?? 1);
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  return { allowed: count <= limit, count, retryAfterSeconds };
}

/** Old windows are useless; the sweep deletes them. */
export async function pruneRateLimits(olderThan: Date, db?: Executor): Promise<void> {
  const executor = db ?? (await getDb());
  await executor.execute(sql`delete from rate_limits where window_start < ${olderThan.toISOString()}`);
}
