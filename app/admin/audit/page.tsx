import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { Suspense } from "react";
import { z } from "zod";

import { AuditFiltersForm } from "@/components/audit/audit-filters-form";
import { AuditRunDetails, onlyThisRunHref } from "@/components/audit/audit-run-details";
import { AuditRunList } from "@/components/audit/audit-run-list";
import { IntegrityStatus, IntegrityStatusPending } from "@/components/audit/integrity-status";
import { Pager } from "@/components/audit/pager";
import { RunsChartPending, RunsPerDay } from "@/components/audit/runs-chart";
import { TimelineZoneSwitch } from "@/components/audit/timeline-zone-switch";
import { PageShell } from "@/components/page-shell";
import { collapsedRepeatsForRuns } from "@/lib/audit/queries/collapsed-counts";
import { recordAuditAccess } from "@/lib/audit/record-audit-access";
import { isCursorParam } from "@/lib/audit/queries/audit-cursor";
import { firstParam, hasFilters, hrefWith, parseAuditFilters, type FilterName } from "@/lib/audit/queries/audit-filters";
import { listAuditProviders } from "@/lib/audit/queries/list-audit-providers";
import { listAuditRuns, type RunPage } from "@/lib/audit/queries/list-audit-runs";
import { resolveRunFilter } from "@/lib/audit/queries/run-filter";
import { timelineZone, timelineZoneParam } from "@/lib/audit/queries/timeline-zone";
import { runDetailsPass } from "@/lib/audit/run-details-pass";
import { requireAdmin } from "@/lib/auth/guards";
import { pageParams } from "@/lib/http/page-params";

import { RunDetailsLoader } from "./run-details-loader";

export const metadata: Metadata = { title: "Audit" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FILTER_TEXT: Record<FilterName, string> = {
  user: "user email",
  provider: "provider",
  workflow: "workflow",
  outcome: "outcome",
  reason: "reason",
  from: "from date",
  to: "to date",
  correlation: "correlation id",
};

/** Next's router, a browser's `<link rel=prefetch>` or speculation rules, or anyone saying so. */
function isPrefetch(requestHeaders: Headers): boolean {
  const purpose = `${requestHeaders.get("sec-purpose") ?? ""} ${requestHeaders.get("purpose") ?? ""}`;
  return requestHeaders.has("next-router-prefetch") || /prefetch|prerender/i.test(purpose);
}

export default async function AdminAuditPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const { filters, ignored } = parseAuditFilters(params);
  // UTC or the admin's own zone: anything else in `tz` is a bad address (the not-found page).
  // Links keep `tz` when the address has it; without it the default applies again, the same zone.
  const { tz } = pageParams(params, z.object({ tz: timelineZoneParam }));
  const zone = timelineZone(tz, user.timeZone);
  const older = firstParam(params, "older");
  const newer = firstParam(params, "newer");
  // A cursor is only ever one the pager wrote: anything else is a bad address, not a query.
  if (!isCursorParam(older) || !isCursorParam(newer)) notFound();
  // The filter form submits its empty fields too: show (and share, and record) the clean URL.
  if (ignored.length === 0 && Object.values(params).some((v) => v === "")) {
    redirect(hrefWith("/admin/audit", filters, { older, newer, tz }));
  }

  const requestHeaders = await headers();
  // Every view that carries the log is recorded. A prefetch is not someone reading it, so it
  // is not recorded, and gets no data either: whoever sends the header reads nothing.
  if (isPrefetch(requestHeaders)) return <AuditPrefetchShell user={user} />;
  const filter = await resolveRunFilter(filters, { withoutWorkflow: "domain", timeZone: zone.zone });
  const emptyPage: RunPage = { runs: [], newer: null, older: null };
  // Recorded with the reads, not after: if the view cannot be recorded, the page fails.
  const [view, page, providers] = await Promise.all([
    recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: user.id, filters, timeZone: zone.zone, headers: requestHeaders }),
    filter ? listAuditRuns({ filter, older, newer }) : emptyPage,
    listAuditProviders(),
  ]);
  const repeats = await collapsedRepeatsForRuns(page.runs);

  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Audit timeline</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Every connect, disconnect and token refresh, one row per run (its attempt and its outcome), newest first. Open a run for its events,
        metadata and emails.
      </p>
      <TimelineZoneSwitch zone={zone} hrefFor={(choice) => hrefWith("/admin/audit", filters, { older, newer, tz: choice })} />

      <div className="mt-4">
        <Suspense fallback={<IntegrityStatusPending />}>
          <IntegrityStatus timeZone={zone.zone} />
        </Suspense>
      </div>

      {ignored.length > 0 ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          Ignored an invalid {ignored.map((name) => FILTER_TEXT[name]).join(", ")} in the address.
        </p>
      ) : null}
      {filters.user && !filter ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          No user has the email address {filters.user}.
        </p>
      ) : null}

      <section aria-label="Filters" className="mt-4">
        <AuditFiltersForm filters={filters} providers={providers} zone={zone} tz={tz} />
      </section>

      <section aria-label="Chart" className="mt-4">
        <Suspense fallback={<RunsChartPending />}>
          <RunsPerDay filter={filter} timeZone={zone.zone} />
        </Suspense>
      </section>

      <section aria-labelledby="runs-heading" className="mt-6">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="runs-heading" className="text-lg font-medium">
            Runs
          </h2>
          <p className="flex flex-wrap items-center gap-3 text-sm">
            <span className="text-zinc-600">Download {hasFilters(filters) ? "every run matching these filters" : "the whole log"}:</span>
            {/* Plain links: a download, never prefetched. Its days are the page's: `tz` always said. */}
            <a href={hrefWith("/admin/audit/export", filters, { format: "csv", tz: zone.choice })} className="rounded-md border border-zinc-300 bg-white px-3 py-1 font-medium hover:bg-zinc-100">
              Export CSV
            </a>
            <a href={hrefWith("/admin/audit/export", filters, { format: "ndjson", tz: zone.choice })} className="rounded-md border border-zinc-300 bg-white px-3 py-1 font-medium hover:bg-zinc-100">
              Export NDJSON
            </a>
          </p>
        </div>
        {!filters.workflow ? (
          <p className="mt-1 text-xs text-zinc-600">
            Without a workflow filter an export also holds the audit log&apos;s own access records (choose “Audit log access” to see them here).
          </p>
        ) : null}

        {page.runs.length === 0 ? (
          <p className="mt-3 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">
            {hasFilters(filters) ? "No runs match these filters." : "No audit rows yet."}
          </p>
        ) : (
          <AuditRunList
            runs={page.runs}
            repeats={repeats}
            zone={zone}
            details={(run) =>
              // One run's own view carries its details in the page; fifty runs' would make every
              // view several times heavier, so a list asks for a run's when it is opened, under this view's record.
              filters.correlation ? (
                <AuditRunDetails run={run} timeZone={zone.zone} tz={tz} />
              ) : (
                <RunDetailsLoader
                  viewId={view.eventId}
                  correlationId={run.correlationId}
                  pass={runDetailsPass({ viewId: view.eventId, adminId: user.id, correlationId: run.correlationId })}
                  tz={tz}
                  runHref={onlyThisRunHref(run, tz)}
                />
              )
            }
          />
        )}
        <Pager
          label="Timeline pages"
          newerHref={page.newer ? hrefWith("/admin/audit", filters, { newer: page.newer, tz }) : null}
          olderHref={page.older ? hrefWith("/admin/audit", filters, { older: page.older, tz }) : null}
        />
      </section>

      <section aria-labelledby="verify-heading" className="mt-8 rounded-md border border-zinc-200 bg-white p-4 text-sm">
        <h2 id="verify-heading" className="font-medium">
          Verify an export offline
        </h2>
        <p className="mt-1 text-zinc-600">
          An NDJSON export carries every row&apos;s hash chain and ends with a checkpoint signed with Ed25519. An auditor checks it with Node.js
          alone, no database and no access to this app: download the{" "}
          <a href="/admin/audit/verifier.mjs" className="font-medium underline">
            verifier
          </a>{" "}
          (one file) and the{" "}
          <a href="/api/audit/public-keys" className="font-medium underline">
            public keys
          </a>
          , then run <code className="font-mono">node ledgerlink-audit-verifier.mjs export.ndjson --public-key public-keys.json</code>. It exits 0, or
          1 naming the first bad line.
        </p>
      </section>

      <p className="mt-8 text-xs text-zinc-500">Viewing and exporting the audit log are recorded in it, with the filters used.</p>
    </PageShell>
  );
}

/** What a prefetch gets: the page's frame, none of the log. */
function AuditPrefetchShell({ user }: { user: Awaited<ReturnType<typeof requireAdmin>> }) {
  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Audit timeline</h1>
      <p className="mt-1 text-sm text-zinc-600">
        This copy of the page was fetched ahead of time and holds no records.{" "}
        {/* A plain link: a full, recorded view. */}
        <a href="/admin/audit" className="underline">
          Open the timeline
        </a>
        .
      </p>
    </PageShell>
  );
}
