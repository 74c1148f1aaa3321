import { timingSafeEqual } from "node:crypto";

import { env } from "@/lib/env";
import { withRequestContext } from "@/lib/http/with-request-context";
import { runRecordedSweep } from "@/lib/sweep/record-sweep-run";

// A sweep may take a while with many due connections (Vercel's default is shorter).
export const maxDuration = 300;

/** Vercel Cron's convention: `Authorization: Bearer $CRON_SECRET`. */
function authorized(request: Request): boolean {
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${env.CRON_SECRET}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const GET = withRequestContext(async (request: Request) => {
  if (!authorized(request)) {
    return Response.json({ error: "unauthorized" }, { status: 401, headers: { "www-authenticate": "Bearer" } });
  }
  const { refresh, accountsCatchUp, tookMs } = await runRecordedSweep("cron");
  return Response.json(
    {
      refreshed: refresh.refreshed,
      failed: refresh.failed,
      skipped: refresh.skipped,
      abandonedConnects: refresh.abandonedConnects,
      reauthWarnings: refresh.reauthWarnings,
      recovery: refresh.recovery,
      // First accounts reads after a connect that the sweep caught up (read, and how many failed).
      accountsCaughtUp: accountsCatchUp.read,
      accountsCatchUpFailed: accountsCatchUp.failed,
      took: tookMs,
    },
    { headers: { "cache-control": "no-store" } },
  );
});
