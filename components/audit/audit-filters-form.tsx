import Link from "next/link";

import { TIMELINE_REASONS, type AuditFilters } from "@/lib/audit/queries/audit-filters";

import { reasonLabel, WORKFLOW_LABELS } from "./audit-format";

export interface ProviderOption {
  slug: string;
  name: string;
}

const field = "block w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm";
const label = "block text-sm text-zinc-700";

/**
 * The timeline's filters as a plain GET form: they land in the URL (shareable, bookmarkable)
 * and the page needs no JavaScript to apply them.
 */
export function AuditFiltersForm({ filters, providers }: { filters: AuditFilters; providers: ProviderOption[] }) {
  return (
    <form method="get" action="/admin/audit" aria-label="Filter the audit timeline" className="rounded-lg border border-zinc-200 bg-white p-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="space-y-1">
          <label htmlFor="filter-user" className={label}>
            User email
          </label>
          <input id="filter-user" name="user" type="email" defaultValue={filters.user ?? ""} placeholder="someone@example.com" className={field} />
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-provider" className={label}>
            Provider
          </label>
          <select id="filter-provider" name="provider" defaultValue={filters.provider ?? ""} className={field}>
            <option value="">Any provider</option>
            {providers.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name === p.slug ? p.slug : `${p.name} (${p.slug})`}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-workflow" className={label}>
            Workflow
          </label>
          <select id="filter-workflow" name="workflow" defaultValue={filters.workflow ?? ""} className={field}>
            <option value="">Any workflow</option>
            {Object.entries(WORKFLOW_LABELS).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-outcome" className={label}>
            Outcome
          </label>
          <select id="filter-outcome" name="outcome" defaultValue={filters.outcome ?? ""} className={field}>
            <option value="">Any outcome</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
            <option value="attempted">No outcome yet</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-reason" className={label}>
            Reason
          </label>
          <select id="filter-reason" name="reason" defaultValue={filters.reason ?? ""} className={field}>
            <option value="">Any reason</option>
            {TIMELINE_REASONS.map((reason) => (
              <option key={reason} value={reason}>
                {reasonLabel(reason)}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-from" className={label}>
            From <span className="text-zinc-500">(UTC day)</span>
          </label>
          <input id="filter-from" name="from" type="date" defaultValue={filters.from ?? ""} className={field} />
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-to" className={label}>
            To <span className="text-zinc-500">(UTC day, included)</span>
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
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700">
          Apply filters
        </button>
        <Link href="/admin/audit" prefetch={false} className="text-sm underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
