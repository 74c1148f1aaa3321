/**
 * The filters of the admin timeline and its export, as they travel in the URL
 * (`?user=…&provider=…&workflow=…&outcome=…&reason=…&from=…&to=…&correlation=…`). One parser
 * for the page, the export and the audit row that records who looked at what, so a shared
 * link, its download and its record always mean the same thing. Pure: no database.
 */
import { z } from "zod";

import { dayRangeInZone } from "../../zoned-days";
import { WORKFLOWS } from "../audit-actions";
import { CONNECTION_FAILURE_REASONS, DISCONNECTION_FAILURE_REASONS, REFRESH_FAILURE_REASONS } from "../../failure-reasons";
import { AUDIT_ACCESS_WORKFLOW } from "../audit-access";

/** The three workflows of DESIGN.md §1, and the admins' own reading of the log. */
export const TIMELINE_WORKFLOWS = [...WORKFLOWS, AUDIT_ACCESS_WORKFLOW] as const;
export type TimelineWorkflow = (typeof TIMELINE_WORKFLOWS)[number];

/** A run's outcome; `attempted` is a run without one (still in progress, or its outcome never arrived). */
export const TIMELINE_OUTCOMES = ["succeeded", "failed", "attempted"] as const;
export type TimelineOutcome = (typeof TIMELINE_OUTCOMES)[number];

export const TIMELINE_REASONS = [
  ...new Set([...CONNECTION_FAILURE_REASONS, ...DISCONNECTION_FAILURE_REASONS, ...REFRESH_FAILURE_REASONS]),
] as [string, ...string[]];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const day = z.string().refine((v) => {
  const m = DAY.exec(v);
  if (!m || m[1] === "0000") return false; // Postgres has no year 0
  const date = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(v);
}, "a date as YYYY-MM-DD");

/** Each filter on its own, so one bad value is dropped (and reported) without losing the others. */
export const FILTER_FIELDS = {
  user: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email().max(320)),
  provider: z
    .string()
    .trim()
    .toLowerCase()
    .max(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  workflow: z.enum(TIMELINE_WORKFLOWS),
  outcome: z.enum(TIMELINE_OUTCOMES),
  reason: z.enum(TIMELINE_REASONS),
  from: day,
  to: day,
  correlation: z.string().trim().toLowerCase().pipe(z.uuid()),
} as const;

export type FilterName = keyof typeof FILTER_FIELDS;
export const FILTER_NAMES = Object.keys(FILTER_FIELDS) as FilterName[];

export const auditFiltersSchema = z.strictObject({
  user: FILTER_FIELDS.user.optional(),
  provider: FILTER_FIELDS.provider.optional(),
  workflow: FILTER_FIELDS.workflow.optional(),
  outcome: FILTER_FIELDS.outcome.optional(),
  reason: FILTER_FIELDS.reason.optional(),
  from: FILTER_FIELDS.from.optional(),
  to: FILTER_FIELDS.to.optional(),
  correlation: FILTER_FIELDS.correlation.optional(),
});
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

/** What Next hands a page (`searchParams`), or a URL's own. */
export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

export function firstParam(input: SearchParamsInput, name: string): string | undefined {
  if (input instanceof URLSearchParams) return input.get(name) ?? undefined;
  const value = input[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface ParsedFilters {
  filters: AuditFilters;
  /** Filters present in the URL but not valid: shown to the admin, never applied. */
  ignored: FilterName[];
}

export function parseAuditFilters(input: SearchParamsInput): ParsedFilters {
  const filters: Record<string, string> = {};
  const ignored: FilterName[] = [];
  for (const name of FILTER_NAMES) {
    const raw = firstParam(input, name);
    if (raw === undefined || raw.trim() === "") continue;
    const parsed = FILTER_FIELDS[name].safeParse(raw);
    if (parsed.success) filters[name] = parsed.data;
    else ignored.push(name);
  }
  // A range typed backwards still means the days between the two dates.
  if (filters.from && filters.to && filters.from > filters.to) [filters.from, filters.to] = [filters.to, filters.from];
  return { filters: filters as AuditFilters, ignored };
}

/** The filters as query parameters, in a fixed order (links compare equal; cursors are added by the caller). */
export function filtersToSearchParams(filters: AuditFilters, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  return params;
}

export function hrefWith(pathname: string, filters: AuditFilters, extra: Record<string, string | undefined> = {}): string {
  const query = filtersToSearchParams(filters, extra).toString();
  return query ? `${pathname}?${query}` : pathname;
}

export function hasFilters(filters: AuditFilters): boolean {
  return FILTER_NAMES.some((name) => filters[name] !== undefined);
}

/**
 * Start (inclusive) and end (exclusive) instants of the date filters: days midnight to midnight
 * in `timeZone` (the timeline's chosen zone; UTC unless said), 23 or 25 hours across DST.
 */
export function dateBounds(filters: Pick<AuditFilters, "from" | "to">, timeZone = "UTC"): { start: Date | null; end: Date | null } {
  return dayRangeInZone(filters, timeZone);
}
