/**
 * A PgBouncer in transaction mode in front of a test server, the way Neon, Supabase and
 * RDS Proxy put one in front of a managed Postgres: each transaction may run on a
 * different server connection, so nothing may rely on session state (named prepared
 * statements, session advisory locks, SET). Debian's `pgbouncer` package; its own config
 * in a scratch folder, loopback only. The pool is smaller than the app's client pool so
 * clients really do share server connections.
 */
import { spawn, spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { freePort, portAnswers } from "./free-port";
import type { RunningServer } from "./running-server";
import { makeScratchDir } from "./scratch-dir";

const SEARCH_PATH = [process.env.PATH ?? "", "/usr/sbin", "/usr/local/sbin"].join(path.delimiter);
const SERVER_POOL_SIZE = 4;

/** The pgbouncer binary, or null when it is not installed. */
export function findPgBouncer(): string | null {
  const found = spawnSync("sh", ["-c", "command -v pgbouncer"], { env: { ...process.env, PATH: SEARCH_PATH }, encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** A `key=value` for PgBouncer's connection strings (single quotes when needed). */
function quote(value: string): string {
  return /^[\w.-]+$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
}

/**
 * Starts PgBouncer in front of `serverUrl`'s server. Every database name is forwarded to
 * the same name there, as the URL's user. Answers the pooled URL of the `postgres` database.
 */
export async function startPgBouncer(binary: string, serverUrl: string): Promise<RunningServer> {
  const server = new URL(serverUrl);
  const dir = makeScratchDir("ledgerlink-pgbouncer-");
  const port = await freePort();
  const user = decodeURIComponent(server.username || "postgres");
  const password = decodeURIComponent(server.password);
  const target = [
    `host=${quote(server.hostname)}`,
    `port=${server.port || "5432"}`,
    `user=${quote(user)}`,
    ...(password ? [`password=${quote(password)}`] : []),
  ].join(" ");
  const config = path.join(dir, "pgbouncer.ini");
  writeFileSync(
    config,
    [
      "[databases]",
      `* = ${target}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      // Clients are not checked (loopback, throwaway); PgBouncer logs in to the server as `user`.
      "auth_type = any",
      "pool_mode = transaction",
      `default_pool_size = ${SERVER_POOL_SIZE}`,
      "max_client_conn = 500",
      "log_connections = 0",
      "log_disconnections = 0",
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  // PgBouncer refuses to run as root; `-u` makes it drop to another user after start-up.
  const asRoot = process.getuid?.() === 0 ? ["-u", spawnSync("id", ["-u", "postgres"]).status === 0 ? "postgres" : "nobody"] : [];
  const child = spawn(binary, [...asRoot, config], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM"); // SIGTERM: immediate shutdown
    await exited;
    removeDir();
  };

  const deadline = Date.now() + 10_000;
  while (!(await portAnswers("127.0.0.1", port, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`PgBouncer did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pooled = new URL(`postgres://127.0.0.1:${port}/postgres`);
  pooled.username = server.username || "postgres";
  return { url: pooled.toString(), stop };
}
