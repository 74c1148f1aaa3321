/** readCopyOut on one postgres.js connection: whatever the reader does, the next query answers. */
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { env } from "../env";
import { postgresClientConfig } from "./client";
import { readCopyOut } from "./read-copy-out";

describe.runIf(env.DATABASE_URL)("readCopyOut", () => {
  // As the app connects (through a pooler too: postgresClientConfig drops `pgbouncer=true`).
  // Opened in beforeAll: on PGlite the suite is skipped, but its body still runs to collect it.
  let sql: postgres.Sql;
  beforeAll(() => {
    const { url, options } = postgresClientConfig(env.DATABASE_URL ?? "");
    sql = postgres(url, { ...options, max: 1 });
  });
  afterAll(() => sql?.end({ timeout: 5 }));
  // About 1 MB of output in one statement: more than the stream holds before it pauses the socket.
  const copy = () => sql.unsafe("copy (select g, repeat('x', 100) from generate_series(1, 10000) g) to stdout").readable();
  const answers = async () => expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);

  it("hands over every byte, then the connection answers", async () => {
    let bytes = 0;
    await readCopyOut(await copy(), (chunk) => ((bytes += chunk.length), true));
    expect(bytes).toBe(10000 * 101 + [...Array(10000).keys()].reduce((sum, i) => sum + String(i + 1).length + 1, 0));
    await answers();
  }, 20_000);

  it("stops at the reader's word, reads the rest, and the connection answers", async () => {
    let chunks = 0;
    await readCopyOut(await copy(), () => ++chunks < 3);
    expect(chunks).toBe(3);
    await answers();
  }, 20_000);

  it("rejects with what the reader threw, once the output has ended, and the connection answers", async () => {
    await expect(readCopyOut(await copy(), () => {
      throw new Error("the reader failed");
    })).rejects.toThrow("the reader failed");
    await answers();
  }, 20_000);

  it("rejects with the statement's error, and the connection answers", async () => {
    // The error comes after about 1 MB of output, while the stream is being read (as a timeout
    // or a cancelled walk would); see read-copy-out.ts for an error in the first socket read.
    const failing = "copy (select g, repeat('x', 100), 1 / (g - 9000) from generate_series(1, 10000) g) to stdout";
    await expect(sql.unsafe(failing).readable().then((stream) => readCopyOut(stream, () => true))).rejects.toThrow(/division by zero/);
    await answers();
  }, 20_000);
});
