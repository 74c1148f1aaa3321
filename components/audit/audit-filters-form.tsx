import Link from "next/link";

import { TIMELINE_REASONS, type AuditFilters } from "@/lib/audit/queries/audit-filters";
import type { TimelineZone, TimelineZoneChoice } from "@/lib/audit/queries/timeline-zone";

import { reasonLabel, WORKFLOW_LABELS } from "./audit-format";

export interface ProviderOption {
  slug: string;
  name: string;
}

const field = "block w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm";
const label = "block text-sm text-zinc-700";

/**
 * The timeline's filters as a plain GET form: they land in the URL (shareable, bookmarkable)
 * and the page needs no JavaScript to apply them. The days are days in the timeline's zone;
 * the form keeps `tz` when the address has it.
 */
export function AuditFiltersForm({
  filters,
  providers,
  zone,
  tz,
}: {
  filters: AuditFilters;
  providers: ProviderOption[];
  zone: TimelineZone;
  tz: TimelineZoneChoice | undefined;
}) {
  return (
    <form method="get" action="/admin/audit" aria-label="Filter the audit timeline" className="rounded-lg border border-zinc-200 bg-white p-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="space-y-1">
          <label htmlFor="filter-user" className={label}>
            User email
          </label>
          <input id="filter-user" name="user" type="email" defaultValue={filters.user ?? ""} placeholder="someone@example.com" className={field} />
        </div>
        <FilterSelect
          name="provider"
          label="Provider"
          anyLabel="Any provider"
          value={filters.provider}
          options={providers.map((p) => [p.slug, p.name === p.slug ? p.slug : `${p.name} (${p.slug})`])}
        />
        <FilterSelect name="workflow" label="Workflow" anyLabel="Any workflow" value={filters.workflow} options={Object.entries(WORKFLOW_LABELS)} />
        <FilterSelect
          name="outcome"
          label="Outcome"
          anyLabel="Any outcome"
          value={filters.outcome}
          options={[
            ["succeeded", "Succeeded"],
            ["failed", "Failed"],
            ["attempted", "No outcome yet"],
          ]}
        />
        <FilterSelect
          name="reason"
          label="Reason"
          anyLabel="Any reason"
          value={filters.reason}
          options={TIMELINE_REASONS.map((reason) => [reason, reasonLabel(reason)])}
        />
        <div className="space-y-1">
          <label htmlFor="filter-from" className={label}>
            From <span className="text-zinc-500">(day in {zone.zone})</span>
          </label>
          <input id="filter-from" name="from" type="date" defaultValue={filters.from ?? ""} className={field} />
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-to" className={label}>
            To <span className="text-zinc-500">(day in {zone.zone}, included)</span>
          </label>
          <input id="filter-to" name="to" type="date" defaultValue={filters.to ?? ""} className={field} />
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-correlation" className={label}>
            Correlation id
          </label>
          <input
            id="filter-correlation"
            name="correlation"
            defaultValue={filters.correlation ?? ""}
            spellCheck={false}
            autoComplete="off"
            className={`${field} font-mono`}
          />
        </div>
      </div>
      {tz ? <input type="hidden" name="tz" value={tz} /> : null}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
          Apply filters
        </button>
        <Link href={tz ? `/admin/audit?tz=${tz}` : "/admin/audit"} prefetch={false} className="text-sm underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}

/** One labelled `<select>` of the form, with an "any" choice first. */
function FilterSelect({
  name,
  label: text,
  anyLabel,
  value,
  options,
}: {
  name: string;
  label: string;
  anyLabel: string;
  value: string | undefined;
  options: ReadonlyArray<readonly [value: string, label: string]>;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={`filter-${name}`} className={label}>
        {text}
      </label>
      <select id={`filter-${name}`} name={name} defaultValue={value ?? ""} className={field}>
        <option value="">{anyLabel}</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}
