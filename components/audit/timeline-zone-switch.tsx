import Link from "next/link";

import type { TimelineZone, TimelineZoneChoice } from "@/lib/audit/queries/timeline-zone";
import { describeTimeZone } from "@/lib/time-zone";

/**
 * The timeline's UTC / local switch: two plain links (keyboard and no-JavaScript friendly), the
 * current one marked, and the zone every time on the page is in, named.
 */
export function TimelineZoneSwitch({ zone, hrefFor }: { zone: TimelineZone; hrefFor: (choice: TimelineZoneChoice) => string }) {
  const option = "rounded-md px-3 py-1 hover:bg-zinc-100 aria-[current=true]:bg-zinc-900 aria-[current=true]:text-white";
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3 text-sm">
      <p data-testid="timeline-zone" className="text-zinc-700">
        Times and days in <strong className="font-medium">{describeTimeZone(zone.zone)}</strong>.
      </p>
      <nav aria-label="Time zone of the timeline" className="flex gap-1 rounded-md border border-zinc-300 bg-white p-0.5">
        <Link prefetch={false} href={hrefFor("utc")} aria-current={zone.choice === "utc" ? "true" : undefined} className={option}>
          UTC
        </Link>
        <Link prefetch={false} href={hrefFor("local")} aria-current={zone.choice === "local" ? "true" : undefined} className={option}>
          Local ({zone.local})
        </Link>
      </nav>
    </div>
  );
}
