/**
 * `next build` and `next start` for a benchmark, as scripts/e2e-server.ts runs them (the
 * environment, build folder included, comes from process.env), with Next's CLI run by this
 * Node directly so the child is the server itself and stops with one signal.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import path from "node:path";

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");

/** Builds into NEXT_DIST_DIR; answers the seconds it took. */
export function buildApp(): number {
  const started = performance.now();
  const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit", env: process.env });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
  return (performance.now() - started) / 1000;
}

export function hasBuild(distDir: string): boolean {
  return existsSync(path.join(distDir, "BUILD_ID"));
}

export interface RunningApp {
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * `next start` on `port`, its output to `logFile`; resolves once /api/health answers.
 * `nodeArgs` go to Node before Next's CLI (`--cpu-prof …`: the profile is written when it stops).
 */
export async function startApp({ port, appUrl, logFile, nodeArgs = [] }: { port: number; appUrl: string; logFile: string; nodeArgs?: string[] }): Promise<RunningApp> {
  const log = openSync(logFile, "w");
  const server = spawn(process.execPath, [...nodeArgs, NEXT_BIN, "start", "--port", String(port)], { env: process.env, stdio: ["ignore", log, log] });
  const app: RunningApp = { pid: server.pid, stop: () => stop(server) };
  try {
    await waitForHealth(server, appUrl, logFile, 60_000);
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

async function waitForHealth(server: ChildProcess, appUrl: string, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode} (see ${logFile})`);
    try {
      if ((await fetch(`${appUrl}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the app did not answer ${appUrl}/api/health within ${timeoutMs / 1000} s (see ${logFile})`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
    server.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    server.kill("SIGTERM");
  });
}
