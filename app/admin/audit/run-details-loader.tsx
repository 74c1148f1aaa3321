"use client";

import { useEffect, useRef, useState, useTransition, type ReactNode } from "react";

import type { TimelineZoneChoice } from "@/lib/audit/queries/timeline-zone";

import { openAuditRun } from "./actions";

type Loaded = { status: "idle" } | { status: "opened"; details: ReactNode } | { status: "error"; message: string };

/**
 * The body of a run's `<details>` on the timeline: its events, metadata and emails are asked for
 * when the run is first opened (openAuditRun), not sent with all fifty runs of the page. Before
 * that, and without JavaScript, a link opens the run on its own page, where they are in the page.
 */
export function RunDetailsLoader({
  viewId,
  correlationId,
  pass,
  tz,
  runHref,
}: {
  viewId: string;
  correlationId: string;
  pass: string;
  tz?: TimelineZoneChoice;
  /** The run's own view (`?correlation=…`). */
  runHref: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded>({ status: "idle" });
  const [loading, startLoading] = useTransition();

  useEffect(() => {
    const disclosure = ref.current?.closest("details");
    if (!disclosure) return;
    let asked = false;
    const onToggle = () => {
      if (!disclosure.open || asked) return;
      asked = true;
      startLoading(async () => {
        const form = new FormData();
        form.set("viewId", viewId);
        form.set("correlationId", correlationId);
        form.set("pass", pass);
        if (tz) form.set("tz", tz);
        let next: Loaded;
        try {
          const answer = await openAuditRun(form);
          next = answer.status === "opened" ? answer : { status: "error", message: answer.status === "error" ? answer.message : "This run could not be opened." };
        } catch {
          next = { status: "error", message: "This run could not be opened." };
        }
        // After a failure, opening the run again asks again.
        if (next.status === "error") asked = false;
        startLoading(() => setLoaded(next));
      });
    };
    disclosure.addEventListener("toggle", onToggle);
    onToggle(); // opened before this script ran
    return () => disclosure.removeEventListener("toggle", onToggle);
  }, [viewId, correlationId, pass, tz]);

  return (
    <div ref={ref}>
      {loaded.status === "opened" ? (
        loaded.details
      ) : loading ? (
        <p role="status" className="border-t border-zinc-100 bg-zinc-50 px-4 py-4 text-sm text-zinc-600">
          Loading the run&apos;s events, metadata and emails…
        </p>
      ) : loaded.status === "error" ? (
        <p role="alert" className="border-t border-zinc-100 bg-zinc-50 px-4 py-4 text-sm text-red-900">
          {loaded.message}{" "}
          <a href={runHref} className="underline">
            Open this run on its own page
          </a>
          .
        </p>
      ) : (
        <p className="border-t border-zinc-100 bg-zinc-50 px-4 py-4 text-sm">
          <a href={runHref} className="underline">
            Open this run on its own page
          </a>{" "}
          for its events, metadata and emails.
        </p>
      )}
    </div>
  );
}
