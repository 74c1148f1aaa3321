/**
 * Summaries of measured samples for the benchmarks: median and p95 (nearest rank), min,
 * max. These machines are noisy, so the benchmarks quote medians and tails, never means alone.
 */
export interface Summary {
  n: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentile of an ascending array: the smallest value with p% of samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    medianMs: round(median(sorted)),
    p95Ms: round(percentile(sorted, 95)),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    meanMs: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

/** A fixed-width table: one row per measured span. */
export function formatTable(rows: Array<{ label: string; summary: Summary }>): string {
  const header = ["", "median ms", "p95 ms", "min ms", "max ms", "n"];
  const cell = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "–");
  const body = rows.map(({ label, summary: s }) => [label, cell(s.medianMs), cell(s.p95Ms), cell(s.minMs), cell(s.maxMs), String(s.n)]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}
