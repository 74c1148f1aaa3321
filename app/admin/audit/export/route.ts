import { EXPORT_FORMATS, type ExportFormat } from "@/lib/audit/audit-access";
import { recordAuditAccess } from "@/lib/audit/record-audit-access";
import { exportFilename, exportResponse } from "@/lib/audit/queries/audit-export-format";
import { createAuditCheckpoint } from "@/lib/audit/checkpoints/create-checkpoint";
import { hasFilters, parseAuditFilters } from "@/lib/audit/queries/audit-filters";
import { auditExportStream } from "@/lib/audit/queries/export-audit-log";
import { resolveRunFilter } from "@/lib/audit/queries/run-filter";
import { timelineZone, timelineZoneParam } from "@/lib/audit/queries/timeline-zone";
import { requireAdmin } from "@/lib/auth/guards";
import { withRequestContext } from "@/lib/http/with-request-context";
import { getLogger } from "@/lib/logger";

// A whole-log export streams for a while (about 40,000 rows a second); Vercel's default is shorter.
export const maxDuration = 300;

/**
 * `GET /admin/audit/export?format=csv|ndjson&tz=utc|local&<the timeline's filters>`: admins only (404 for
 * everyone else, like the page). Streams every event of the matching runs; without filters,
 * the whole log, in chain order. The export is recorded in the audit log before the first byte
 * is sent, then the chain's head is signed (a checkpoint); an NDJSON file ends with a signed
 * checkpoint line that `npm run audit:verify -- --file` and the downloadable verifier check.
 */
export const GET = withRequestContext(async (request: Request) => {
  const admin = await requireAdmin();
  const params = new URL(request.url).searchParams;
  const format = params.get("format");
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    return Response.json({ error: "format must be csv or ndjson" }, { status: 400 });
  }
  const { filters, ignored } = parseAuditFilters(params);
  // An export is a copy of the data: never widen it by dropping a filter that did not parse.
  if (ignored.length > 0) {
    return Response.json({ error: `invalid filter: ${ignored.join(", ")}` }, { status: 400 });
  }
  // The day filters are days in the zone of the page that linked here (`tz`, as on the page).
  const tz = timelineZoneParam.safeParse(params.get("tz") ?? undefined);
  if (!tz.success) return Response.json({ error: "tz must be utc or local" }, { status: 400 });
  const { zone } = timelineZone(tz.data, admin.timeZone);
  const exportFormat = format as ExportFormat;
  const filter = await resolveRunFilter(filters, { withoutWorkflow: "all", timeZone: zone });
  const filename = exportFilename(filters, exportFormat);
  await recordAuditAccess({
    access: { action: "audit_log_exported", format: exportFormat, filename },
    adminId: admin.id,
    filters,
    timeZone: zone,
    headers: request.headers,
  });

  // After the export's own row: the file (a full one) runs up to and includes it.
  const head = await createAuditCheckpoint({ reason: "export" });
  const body = auditExportStream({
    filter,
    format: exportFormat,
    head,
    scope: hasFilters(filters) ? "filtered" : "full",
    onError: (error) => getLogger().error({ err: error, filename }, "audit export failed mid-stream"),
  });
  return exportResponse(body, exportFormat, filename);
});
