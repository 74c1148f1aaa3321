"use client";

import type { ReactNode } from "react";

import { COLLAPSE_WINDOW_SECONDS } from "@/lib/audit/collapse-window";

import { OutcomeBadge } from "./outcome-badge";

/** A timeline row's texts, worked out on the server (AuditRunList). */
export interface RunRowView {
  key: string;
  correlationId: string;
  /** The row's accessible name: what, where, how it ended, when. */
  label: string;
  when: string;
  whenIso: string;
  workflow: string;
  outcome: string;
  providerName: string;
  duration: string;
  user: string;
  actor: string;
  connection: string | null;
  reason: string | null;
  ip: string;
  device: string;
  userAgent: string | null;
  /** Repeats of this rejection counted in audit_collapsed, not audited one by one. */
  repeats: number;
}

/** The timeline's runs as disclosures; `details[i]` is the body of `rows[i]`. */
export function AuditRunRows({ rows, details }: { rows: RunRowView[]; details: ReactNode[] }) {
  return (
    <ol className="mt-3 divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white">
      {rows.map((row, i) => (
        <li key={row.key} data-correlation-id={row.correlationId} aria-label={row.label}>
          <details className="group">
            <summary className="cursor-pointer list-none px-4 py-3 hover:bg-zinc-50 [&::-webkit-details-marker]:hidden">
              <RunSummary row={row} />
            </summary>
            {details[i]}
          </details>
        </li>
      ))}
    </ol>
  );
}

function RunSummary({ row }: { row: RunRowView }) {
  return (
    <div className="grid gap-1 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span aria-hidden className="text-zinc-400 transition-transform group-open:rotate-90">
          ▸
        </span>
        <time dateTime={row.whenIso} className="tabular-nums text-zinc-700">
          {row.when}
        </time>
        <span className="font-medium">{row.workflow}</span>
        <OutcomeBadge outcome={row.outcome} />
        <span>{row.providerName}</span>
        <span className="text-zinc-600">
          <span className="sr-only">Duration: </span>
          {row.duration}
        </span>
      </div>
      <dl className="flex flex-wrap gap-x-4 gap-y-0.5 pl-6 text-xs text-zinc-600">
        <Item term="User" value={row.user} />
        <Item term="By" value={row.actor} />
        {row.connection ? <Item term="Connection" value={row.connection} mono /> : null}
        {row.reason ? <Item term="Reason" value={row.reason} /> : null}
        <Item term="IP" value={row.ip} mono />
        <Item term="Device" value={row.device} title={row.userAgent ?? undefined} />
      </dl>
      {row.repeats > 0 ? (
        <p className="pl-6 text-xs text-zinc-600" data-collapsed-repeats={row.repeats}>
          {`+${row.repeats} more like this in the same ${COLLAPSE_WINDOW_SECONDS / 60} minutes (counted, not recorded one by one)`}
        </p>
      ) : null}
    </div>
  );
}

function Item({ term, value, mono = false, title }: { term: string; value: string; mono?: boolean; title?: string }) {
  return (
    <div className="flex gap-1">
      <dt>{`${term}:`}</dt>
      <dd className={mono ? "font-mono" : undefined} title={title}>
        {value}
      </dd>
    </div>
  );
}
