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

interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples?: number[];
}

export interface ProfileSummary {
  /** Share of samples (self time) per place, largest first. */
  byPlace: Array<{ place: string; percent: number }>;
  byFunction: Array<{ fn: string; percent: number }>;
}

const root = `${pathToFileURL(process.cwd()).href}/`;

function placeOf({ functionName, url }: CallFrame): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
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
      const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
      const places = new Map<string, number>();
      const functions = new Map<string, number>();
      let total = 0;
      for (const id of profile.samples ?? []) {
        const frame = frames.get(id);
        if (!frame) continue;
        const place = placeOf(frame);
        const fn = `${frame.functionName || "(anonymous)"} ${place}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
        places.set(place, (places.get(place) ?? 0) + 1);
        functions.set(fn, (functions.get(fn) ?? 0) + 1);
        total += 1;
      }
      return {
        byPlace: share(places, total, 25).map(([place, percent]) => ({ place, percent })),
        byFunction: share(functions, total, 25).map(([fn, percent]) => ({ fn, percent })),
      };
    },
  };
}
