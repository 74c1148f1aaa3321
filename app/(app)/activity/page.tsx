import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";

import { ActivityList } from "@/components/audit/activity-list";
import { Pager } from "@/components/audit/pager";
import { AccountReadList } from "@/components/connections/account-read-list";
import { PageShell } from "@/components/page-shell";
import { listAccountReadsForUser } from "@/lib/accounts/queries";
import { isCursorParam } from "@/lib/audit/queries/audit-cursor";
import { listAuditRuns } from "@/lib/audit/queries/list-audit-runs";
import { DOMAIN_WORKFLOWS, type RunFilter } from "@/lib/audit/queries/run-filter";
import { requireUser } from "@/lib/auth/guards";
import { pageParams } from "@/lib/http/page-params";

import { describeDevice } from "@/lib/email/describe-device";
import { formatDateTime } from "@/lib/format";
import { listSessionEvents, SESSION_EVENT_TEXT, type SessionEventKind } from "@/lib/people/session-events";
import { describeTimeZone, resolveTimeZone } from "@/lib/time-zone";

export const metadata: Metadata = { title: "Activity" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const PAGE_SIZE = 25;

/** Only cursors the pager wrote (an overflowing date in one used to be a 500). */
const cursor = z.string().refine(isCursorParam).optional();
const activityParams = z.object({ show: z.literal("problems").optional(), older: cursor, newer: cursor });

function href(params: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return query ? `/activity?${query}` : "/activity";
}

/**
 * The signed-in person's own audit trail (DESIGN.md §5): their connects, disconnects and
 * refreshes — scheduled ones included — in plain words, with the IP address and device.
 * The emails' "wasn't you?" line links here. Only rows about this user, by the query itself.
 */
export default async function ActivityPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser("/activity");
  const params = pageParams(await searchParams, activityParams);
  const problemsOnly = params.show === "problems";
  const filter: RunFilter = { userId: user.id, workflows: DOMAIN_WORKFLOWS, outcome: problemsOnly ? "failed" : undefined };
  const [page, allReads] = await Promise.all([
    listAuditRuns({ filter, older: params.older, newer: params.newer, pageSize: PAGE_SIZE }),
    listAccountReadsForUser({ userId: user.id }),
  ]);
  const reads = problemsOnly ? allReads.filter((read) => read.outcome === "failed") : allReads;
  const show = problemsOnly ? "problems" : undefined;
  const { zone } = resolveTimeZone(user.timeZone);
  const signIns = await listSessionEvents({ userId: user.id, limit: 10 });

  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Activity</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Everything that happened to your connections, newest first (times in {describeTimeZone(zone)}). If something here wasn&apos;t you, disconnect that
        connection on the{" "}
        <Link href="/connections" className="underline">
          Connections
        </Link>{" "}
        page and sign out of devices you don&apos;t use.
      </p>

      <nav aria-label="Which activity" className="mt-4 flex gap-2 text-sm">
        <Link
          href="/activity"
          aria-current={problemsOnly ? undefined : "page"}
          className="rounded-md px-3 py-1.5 hover:bg-zinc-100 aria-[current=page]:bg-zinc-900 aria-[current=page]:text-white"
        >
          Everything
        </Link>
        <Link
          href="/activity?show=problems"
          aria-current={problemsOnly ? "page" : undefined}
          className="rounded-md px-3 py-1.5 hover:bg-zinc-100 aria-[current=page]:bg-zinc-900 aria-[current=page]:text-white"
        >
          Only problems
        </Link>
      </nav>

      {page.runs.length === 0 ? (
        <p className="mt-4 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">
          {problemsOnly ? "Nothing has gone wrong with your connections." : "Nothing has happened to your connections yet."}
        </p>
      ) : (
        <ActivityList runs={page.runs} timeZone={zone} />
      )}
      {reads.length > 0 ? (
        <section aria-labelledby="account-reads" className="mt-8">
          <h2 id="account-reads" className="text-lg font-medium">
            Accounts reads
          </h2>
          <AccountReadList reads={reads} timeZone={zone} />
        </section>
      ) : null}
      <Pager
        label="Activity pages"
        newerHref={page.newer ? href({ show, newer: page.newer }) : null}
        olderHref={page.older ? href({ show, older: page.older }) : null}
      />

      <section aria-labelledby="sign-ins" className="mt-10">
        <h2 id="sign-ins" className="text-lg font-medium">
          Sign-ins and sign-outs
        </h2>
        {signIns.length === 0 ? (
          <p className="mt-2 text-sm text-zinc-600">No sign-ins recorded yet.</p>
        ) : (
          <ol className="mt-2 space-y-1 text-sm">
            {signIns.map((e) => (
              <li key={e.id}>
                {SESSION_EVENT_TEXT[e.kind as SessionEventKind] ?? e.kind} ·{" "}
                <time dateTime={e.occurredAt.toISOString()}>{formatDateTime(e.occurredAt, { timeZone: zone })}</time>
                {e.ipAddress ? ` · from IP address ${e.ipAddress}` : ""}
                {describeDevice(e.userAgent) ? ` · ${describeDevice(e.userAgent)}` : ""}
              </li>
            ))}
          </ol>
        )}
        <p className="mt-2 text-sm">
          <Link href="/settings" className="underline">
            See your devices
          </Link>{" "}
          · Download your activity:{" "}
          <a href="/activity/export?format=csv" className="underline">
            CSV
          </a>{" "}
          ·{" "}
          <a href="/activity/export?format=ndjson" className="underline">
            NDJSON
          </a>
        </p>
      </section>
    </PageShell>
  );
}
