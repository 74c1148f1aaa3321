import { checkDatabase } from "@/lib/db/check-database";
import { withRequestContext } from "@/lib/http/with-request-context";
import { getLogger } from "@/lib/logger";

export const GET = withRequestContext(async () => {
  const database = await checkDatabase();
  if (!database.up) {
    getLogger().error({ error: database.error }, "health check: database unreachable");
    return Response.json(
      { status: "error", database: { status: "down" } },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
  return Response.json(
    { status: "ok", database: { status: "up", latencyMs: database.latencyMs } },
    { headers: { "cache-control": "no-store" } },
  );
});
