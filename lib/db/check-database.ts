import { sql } from "drizzle-orm";

import { getDb } from "./client";

/** Round-trips a trivial query, giving up after `timeoutMs` (a hung database is a down one). */
export async function checkDatabase(timeoutMs = 2_000): Promise<{ up: true; latencyMs: number } | { up: false; error: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const db = await Promise.race([getDb(), timeout]);
    await Promise.race([db.execute(sql`select 1`), timeout]);
    return { up: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { up: false, error: error instanceof Error ? error.message.split("\n")[0]! : "unknown error" };
  } finally {
    clearTimeout(timer);
  }
}
