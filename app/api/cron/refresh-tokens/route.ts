import { timingSafeEqual } from "node:crypto";

import { runRefreshSweep } from "@/lib/connections/refresh-sweep";
import { env } from "@/lib/env";
import { withRequestContext } from "@/lib/http/with-request-context";

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
  const summary = await runRefreshSweep();
  return Response.json(
    {
      refreshed: summary.refreshed,
      failed: summary.failed,
      skipped: summary.skipped,
      abandonedConnects: summary.abandonedConnects,
      reauthWarnings: summary.reauthWarnings,
      recovery: summary.recovery,
      took: summary.tookMs,
    },
    { headers: { "cache-control": "no-store" } },
  );
});
