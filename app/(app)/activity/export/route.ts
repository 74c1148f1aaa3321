import { EXPORT_FORMATS, type ExportFormat } from "@/lib/audit/audit-access";
import { exportResponse } from "@/lib/audit/queries/audit-export-format";
import { auditExportStream } from "@/lib/audit/queries/export-audit-log";
import { auth } from "@/lib/auth/auth";
import { withRequestContext } from "@/lib/http/with-request-context";
import { getLogger } from "@/lib/logger";

/**
 * `GET /activity/export?format=csv|ndjson`: the signed-in person's own records, written by the
 * admin export's own code (same fields, same format), filtered to them by user id.
 */
export const GET = withRequestContext(async (request: Request) => {
  const session = await auth();
  if (!session?.user?.id) return Response.json({ error: "sign in first" }, { status: 401 });
  const format = new URL(request.url).searchParams.get("format");
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    return Response.json({ error: "format must be csv or ndjson" }, { status: 400 });
  }
  const exportFormat = format as ExportFormat;
  const filename = `ledgerlink-my-activity-${new Date().toISOString().slice(0, 10)}.${exportFormat}`;
  const body = auditExportStream({
    filter: { userId: session.user.id },
    format: exportFormat,
    onError: (error) => getLogger().error({ err: error, filename }, "personal export failed mid-stream"),
  });
  return exportResponse(body, exportFormat, filename);
});
