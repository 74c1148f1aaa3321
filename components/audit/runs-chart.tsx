import { countRunsPerDay, type DayCount } from "@/lib/audit/queries/count-runs-per-day";
import type { RunFilter } from "@/lib/audit/queries/run-filter";

const WIDTH = 720;
const HEIGHT = 150;
const PAD = { top: 10, right: 8, bottom: 22, left: 36 };

/**
 * Runs that ended per day, succeeded and failed stacked, drawn on the server as SVG: no chart
 * library and no client JavaScript. Each bar has a tooltip; the same numbers are in a table
 * for screen readers and for copying.
 */
export function RunsChart({ days, timeZone = "UTC" }: { days: DayCount[]; timeZone?: string }) {
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.failed));
  const total = days.reduce((n, d) => n + d.succeeded + d.failed, 0);
  const failed = days.reduce((n, d) => n + d.failed, 0);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, days.length);
  const barW = Math.max(1, step * 0.75);
  const y = (value: number) => PAD.top + plotH - (value / max) * plotH;
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  const summary = `Workflow runs per day (days in ${timeZone}) from ${first} to ${last}: ${total} ended, ${failed} failed.`;

  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">Runs per day by outcome (days in {timeZone})</span>
        <span className="flex gap-4 text-zinc-600">
          <span>
            <span aria-hidden className="mr-1 inline-block h-2.5 w-2.5 rounded-sm bg-green-600" />
            Succeeded
          </span>
          <span>
            <span aria-hidden className="mr-1 inline-block h-2.5 w-2.5 rounded-sm bg-red-600" />
            Failed
          </span>
          <span>
            {total} runs, {failed} failed
          </span>
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className="mt-2 h-auto w-full">
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} stroke="#d4d4d8" />
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max)} y2={y(max)} stroke="#f4f4f5" />
        <text x={PAD.left - 4} y={y(max) + 4} textAnchor="end" fontSize="10" fill="#71717a">
          {max}
        </text>
        <text x={PAD.left - 4} y={y(0)} textAnchor="end" fontSize="10" fill="#71717a">
          0
        </text>
        {days.map((d, i) => {
          const x = PAD.left + i * step + (step - barW) / 2;
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.succeeded} succeeded, ${d.failed} failed`}</title>
              <rect x={x} y={y(d.succeeded)} width={barW} height={y(0) - y(d.succeeded)} fill="#16a34a" />
              <rect x={x} y={y(d.succeeded + d.failed)} width={barW} height={y(d.succeeded) - y(d.succeeded + d.failed)} fill="#dc2626" />
            </g>
          );
        })}
        {first ? (
          <text x={PAD.left} y={HEIGHT - 6} fontSize="10" fill="#71717a">
            {first}
          </text>
        ) : null}
        {last && last !== first ? (
          <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" fontSize="10" fill="#71717a">
            {last}
          </text>
        ) : null}
      </svg>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-zinc-600">Show the numbers</summary>
        <table className="mt-2 text-xs">
          <thead>
            <tr>
              <th scope="col" className="pr-4 text-left font-medium">Day ({timeZone})</th>
              <th scope="col" className="pr-4 text-right font-medium">Succeeded</th>
              <th scope="col" className="text-right font-medium">Failed</th>
            </tr>
          </thead>
          <tbody>
            {days
              .filter((d) => d.succeeded + d.failed > 0)
              .map((d) => (
                <tr key={d.day}>
                  <td className="pr-4 tabular-nums">{d.day}</td>
                  <td className="pr-4 text-right tabular-nums">{d.succeeded}</td>
                  <td className="text-right tabular-nums">{d.failed}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** The chart with its data, for a Suspense boundary: the timeline does not wait for the counts. */
export async function RunsPerDay({ filter, timeZone }: { filter: RunFilter | null; timeZone: string }) {
  // Kept per filter and brought up to date: paging through one filter counts its 30 days once.
  const { days } = await countRunsPerDay({ filter, timeZone, remember: true });
  return <RunsChart days={days} timeZone={timeZone} />;
}

export function RunsChartPending() {
  return (
    <p role="status" className="rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-600">
      Counting runs per day…
    </p>
  );
}
