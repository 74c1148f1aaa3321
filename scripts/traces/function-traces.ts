/**
 * Reads what each server function of a build would carry: the files Next traced for it
 * (`*.nft.json` beside each route in `<distDir>/server`), or, after `vercel build`, the
 * `filePathMap` of each `.vercel/output/functions/**\/.vc-config.json`. Used by
 * scripts/trace-sizes.ts; kept apart so the grouping can be unit-tested.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

export interface FunctionTrace {
  /** The route (`/admin/audit`, `/api/cron/refresh-tokens`) or the Vercel function's name. */
  name: string;
  /** Absolute paths of the traced files (directories and missing files left out). */
  files: string[];
}

export interface SizedFile {
  file: string;
  bytes: number;
}

/**
 * The npm package a traced file belongs to (`@electric-sql/pglite`, `next`), by its last
 * `node_modules/` segment; the app's own files and the build output are grouped by folder.
 */
export function packageOf(file: string, root: string): string {
  const relative = path.relative(root, file).split(path.sep).join("/");
  const marker = relative.lastIndexOf("node_modules/");
  if (marker === -1) {
    const [top] = relative.split("/");
    return `(app) ${top ?? relative}`;
  }
  const [first, second] = relative.slice(marker + "node_modules/".length).split("/");
  return first?.startsWith("@") && second ? `${first}/${second}` : (first ?? relative);
}

/** Sums sizes by package, largest first. */
export function sizeByPackage(files: SizedFile[], root: string): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const { file, bytes } of files) {
    const name = packageOf(file, root);
    totals.set(name, (totals.get(name) ?? 0) + bytes);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(file, keep);
    return keep(file) ? [file] : [];
  });
}

/** Sizes of regular files; symlinks followed, each real file counted once. */
export function sizeFiles(files: Iterable<string>): SizedFile[] {
  const seen = new Set<string>();
  const sized: SizedFile[] = [];
  for (const file of files) {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      continue; // traced but absent (optional files Next lists defensively)
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const stat = statSync(real);
    if (stat.isFile()) sized.push({ file, bytes: stat.size });
  }
  return sized;
}

function readNft(file: string): string[] {
  const { files } = JSON.parse(readFileSync(file, "utf8")) as { files: string[] };
  return files.map((f) => path.resolve(path.dirname(file), f));
}

/**
 * One trace per route of a `next build`: the route's own trace and entry file, plus what
 * every function loads besides (Vercel's builder adds both to each function): the server
 * runtime (`next-minimal-server.js.nft.json`) and instrumentation.ts with its imports.
 */
export function readNextTraces(distDir: string): FunctionTrace[] {
  const serverDir = path.join(distDir, "server");
  const shared = [path.join(distDir, "next-minimal-server.js.nft.json"), path.join(serverDir, "instrumentation.js.nft.json")];
  const runtime = shared.filter((file) => existsSync(file)).flatMap((file) => [file.slice(0, -".nft.json".length), ...readNft(file)]);
  return walk(serverDir, (file) => file.endsWith(".js.nft.json"))
    .filter((file) => /[/\\](app|pages)[/\\]/.test(path.relative(distDir, file)))
    .map((file) => {
      const entry = file.slice(0, -".nft.json".length);
      const route = path
        .relative(serverDir, entry)
        .split(path.sep)
        .join("/")
        .replace(/^(app|pages)\//, "/")
        .replace(/\/\([^)]+\)/g, "") // route groups are not part of the URL
        .replace(/\/(page|route)\.js$/, "")
        .replace(/\.js$/, "");
      return { name: route || "/", files: [entry, ...readNft(file), ...runtime] };
    });
}

/** One trace per function of `.vercel/output` (each `.func` directory, symlinked copies once). */
export function readVercelTraces(outputDir: string, root: string): FunctionTrace[] {
  const functionsDir = path.join(outputDir, "functions");
  const seen = new Set<string>();
  return walk(functionsDir, (file) => path.basename(file) === ".vc-config.json").flatMap((configFile) => {
    const funcDir = path.dirname(configFile);
    const real = realpathSync(funcDir);
    if (seen.has(real)) return [];
    seen.add(real);
    const config = JSON.parse(readFileSync(configFile, "utf8")) as { filePathMap?: Record<string, string> };
    const mapped = Object.values(config.filePathMap ?? {}).map((f) => path.resolve(root, f));
    const own = walk(funcDir, (file) => path.basename(file) !== ".vc-config.json");
    const name = "/" + path.relative(functionsDir, funcDir).split(path.sep).join("/").replace(/\.func$/, "");
    return [{ name, files: [...own, ...mapped] }];
  });
}
