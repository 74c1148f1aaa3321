/**
 * The `metadata` of the audit-access rows (see ./audit-access.ts): the filters the admin
 * looked at, as they were in the URL (with the zone their days were read in), and for an
 * export its format and file name. Strict,
 * like every audit metadata schema: nothing else rides along.
 */
import { z } from "zod";

import { EXPORT_FORMATS, type AuditAccessAction } from "./audit-access";
import { auditFiltersSchema } from "./queries/audit-filters";

const requestId = z.string().max(200).nullable();
/** The zone the day filters were days in (IANA name), when there were day filters. */
const timeZone = z.string().min(1).max(64).optional();

export const AUDIT_ACCESS_METADATA_SCHEMAS = {
  audit_log_viewed: z.strictObject({ requestId, filters: auditFiltersSchema, timeZone }),
  audit_log_exported: z.strictObject({
    requestId,
    filters: auditFiltersSchema,
    timeZone,
    format: z.enum(EXPORT_FORMATS),
    filename: z.string().min(1).max(300),
  }),
  operations_viewed: z.strictObject({ requestId }),
  operation_retried: z.strictObject({
    requestId,
    /** `email:<id>`, `handler:<eventId>:<handler>`, or `all`; and what the retry did. */
    target: z.string().min(1).max(300),
    result: z.string().min(1).max(300),
  }),
} satisfies Record<AuditAccessAction, z.ZodType>;
