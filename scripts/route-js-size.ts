/**
 * Prints the first-load JavaScript of each app route (Next 16 no longer prints it):
 * the root main chunks every page loads, plus the client chunks of the route's layouts,
 * page and boundaries, from the build's client-reference manifests. Sizes are gzip, as
 * a browser downloads them. `npm run build` runs it after `next build`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const distDir = process.env.NEXT_DIST_DIR || ".next";
const budgetKb = Number(process.env.FIRST_LOAD_BUDGET_KB ?? 150);

function findManifests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return findManifests(file);
    return name.endsWith("_client-reference-manifest.js") ? [file] : [];
  });
}

const gzipCache = new Map<string, number>();
function gzipSize(chunk: string): number {
  const file = path.join(distDir, chunk.replace(/^\/_next\//, ""));
  if (!gzipCache.has(file)) gzipCache.set(file, existsSync(file) ? gzipSync(readFileSync(file)).length : 0);
  return gzipCache.get(file)!;
}

const buildManifest = JSON.parse(readFileSync(path.join(distDir, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
const rows: { route: string; kb: number }[] = [];
for (const file of findManifests(path.join(distDir, "server", "app"))) {
  const source = readFileSync(file, "utf8");
  const route = /__RSC_MANIFEST\["([^"]+)"\]/.exec(source)?.[1];
  const entries = /"entryJSFiles":(\{[^}]*\})/.exec(source)?.[1];
  // Route handlers ship no JavaScript to the browser; `/_…` are Next's own.
  if (!route || !entries || route.startsWith("/_") || route.endsWith("/route")) continue;
  const chunks = new Set([...buildManifest.rootMainFiles, ...Object.values(JSON.parse(entries) as Record<string, string[]>).flat()]);
  const bytes = [...chunks].reduce((sum, chunk) => sum + gzipSize(chunk), 0);
  rows.push({ route: route.replace(/\/\([^)]+\)/g, "").replace(/\/page$/, "") || "/", kb: bytes / 1024 });
}

rows.sort((a, b) => a.route.localeCompare(b.route));
console.log("\nFirst-load JavaScript per route (gzip):");
for (const { route, kb } of rows) {
  console.log(`  ${route.padEnd(42)} ${kb.toFixed(1).padStart(7)} kB${kb > budgetKb ? `  over the ${budgetKb} kB budget` : ""}`);
}
if (rows.some((r) => r.kb > budgetKb)) process.exitCode = 1;
