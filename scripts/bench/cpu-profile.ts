/**
 * A V8 CPU profile of one stretch of a benchmark (node:inspector, this process only), saved
 * for Chrome DevTools or speedscope, and summed up by where the code lives (each package in
 * node_modules, each app folder, Node's internals, garbage collection, idle) and by function.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  /** Microseconds on the monotonic clock (process.hrtime's), with each sample's delta. */
  startTime?: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Samples summed up, and their mean sampling interval in ms. */
  samples?: number;
  intervalMs?: number;
  /** Share of samples (self time) per place, largest first. */
  byPlace: Array<{ place: string; percent: number }>;
  byFunction: Array<{ fn: string; percent: number }>;
}

const root = `${pathToFileURL(process.cwd()).href}/`;

function placeOf({ functionName, url }: CallFrame): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  // Next's precompiled page and route runtimes hold React's server renderer (RSC payload and HTML).
  if (url.includes("/next/dist/compiled/next-server/")) return "next: page/route runtime (React rendering)";
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  // A production build's server chunks: bundled packages keep their name in the chunk's name.
  const chunk = /\/server\/chunks\/(?:ssr\/)?([^/]+)$/.exec(url);
  if (chunk) {
    // node_modules_postgres_src_index_1c7q….js, node_modules_@auth_core_….js (a path's slashes are underscores).
    const bundled = /^node_modules_(@[a-z0-9.-]+_[a-z0-9.-]+|[a-z0-9.-]+)_/.exec(chunk[1]!);
    return bundled ? `${bundled[1]!.replace("_", "/")} (bundled)` : "app code (bundled)";
  }
  if (url.startsWith(root)) return url.slice(root.length).split(/[?#]/, 1)[0]!.split("/").slice(0, 2).join("/");
  return url;
}

function share<K>(counts: Map<K, number>, total: number, limit: number): Array<[K, number]> {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, count]) => [key, Number(((100 * count) / Math.max(1, total)).toFixed(1))]);
}

/** Starts profiling this process; `stop` writes the profile to `file` and summarises it. */
export async function startCpuProfile(file: string): Promise<{ stop: () => Promise<ProfileSummary> }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return {
    stop: async () => {
      const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
      session.disconnect();
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      return summariseProfile(profile);
    },
  };
}

/**
 * Where a profile's samples (self time) went, by place and by function; with `window` (µs on
 * the monotonic clock, as `process.hrtime.bigint() / 1000n` reads it) only the samples taken
 * within it, so one profile of a whole server can be cut into the stretches a benchmark
 * measured; with `busyOnly` the idle samples are left out (shares of the busy time).
 */
export function summariseProfile(profile: Profile, { window, busyOnly = false }: { window?: { from: number; to: number }; busyOnly?: boolean } = {}): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let time = profile.startTime ?? 0;
  let spanned = 0;
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const delta = profile.timeDeltas?.[i] ?? 0;
    time += delta;
    if (window && (time < window.from || time > window.to)) continue;
    const frame = frames.get(samples[i]!);
    if (!frame || (busyOnly && frame.functionName === "(idle)")) continue;
    spanned += delta;
    const place = placeOf(frame);
    const fn = `${frame.functionName || "(anonymous)"} ${place}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    places.set(place, (places.get(place) ?? 0) + 1);
    functions.set(fn, (functions.get(fn) ?? 0) + 1);
    total += 1;
  }
  return {
    samples: total,
    intervalMs: total > 0 ? Number((spanned / total / 1000).toFixed(3)) : 0,
    byPlace: share(places, total, 25).map(([place, percent]) => ({ place, percent })),
    byFunction: share(functions, total, 25).map(([fn, percent]) => ({ fn, percent })),
  };
}
