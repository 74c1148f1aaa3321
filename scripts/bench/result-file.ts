/**
 * Writes a benchmark's result to `.bench/<name>.json` (git-ignored) with what is needed to
 * compare two runs: when, on which commit, Node version, CPU count and load.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function gitDescription(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const status = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function machineDescription() {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
  };
}

export function writeBenchResult(name: string, result: Record<string, unknown>): string {
  const directory = path.resolve(".bench");
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${name}.json`);
  const document = { benchmark: name, finishedAt: new Date().toISOString(), git: gitDescription(), machine: machineDescription(), ...result };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
