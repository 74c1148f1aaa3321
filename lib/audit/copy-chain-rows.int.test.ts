/**
 * The chain walk's COPY path (postgres.js) against the walk over row objects (any driver), on
 * rows appended through the real writer with values that text formats, JSON and jsonb treat
 * specially; and jsonb's own text through canonical-jsonb.ts. On PGlite both walks read row
 * objects, so the comparison holds trivially there; the jsonb check runs on both.
 */
import { randomUUID } from "node:crypto";

import { getTableColumns, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { databaseKind, getDb, queryRows, type Transaction } from "../db/client";
import { env } from "../env";
import { auditLogs } from "../db/schema";
import { auditHashContent } from "./audit-hash";
import { CanonicalJsonb } from "./canonical-jsonb";
import { canonicalJson, computeAuditHash } from "./offline-verifier.mjs";
import { verifyAuditChain } from "./verify-chain";
import { whileTampered } from "@/test/support/audit-tamper";

const COLUMNS = getTableColumns(auditLogs);
const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join("");

type Entry = Record<string, unknown>;

function entry(change: Entry = {}): Entry {
  return {
    eventId: randomUUID(),
    eventType: "ProviderTokenRefreshSucceeded",
    action: "provider_token_refreshed",
    outcome: "succeeded",
    workflow: "refresh",
    actorType: "system",
    actorUserId: null,
    userId: "user-1",
    providerId: "sandbox-bank",
    providerSlug: "sandbox-bank",
    connectionId: randomUUID(),
    reason: null,
    needsUserAction: null,
    correlationId: randomUUID(),
    ipAddress: null,
    userAgent: null,
    occurredAt: new Date("2026-05-01T12:00:00.123Z"),
    recordedAt: new Date("2026-05-01T12:00:00.456Z"),
    metadata: { providerName: "Sandbox Bank", requestId: null },
    ...change,
  };
}

/** Rows with values every format escapes or reads differently, including metadata the schemas would refuse (this bypasses them). */
const tricky: Entry[] = [
  entry(),
  entry({ userAgent: `Mozilla/5.0 "quoted" \\ back\\slash\ttab\nnew line\r${controls}\u007f`, reason: "\\N" }),
  entry({ actorUserId: "ユーザー", userAgent: "Navigateur Été 😀 \u2028\u2029", ipAddress: "2001:db8::1" }),
  entry({ reason: "", ipAddress: "", userAgent: "\t", needsUserAction: true }),
  entry({ needsUserAction: false, connectionId: null, userId: null }),
  entry({ metadata: { zz: 1, a: [1, "x", { y: null, b: true }], providerName: 'Bank "B" \\ \t', é: "e", "a!": 2, "a b": [], " ": {} } }),
  entry({ metadata: { providerName: `Société ${controls} 😀`, requestId: "\u2029", "😀": "emoji key" } }),
  entry({ metadata: { big: 1e21, negativeZero: -0, fraction: 1.5, tiny: 1e-7, max: Number.MAX_SAFE_INTEGER, huge: 1234567890123456789 } }),
  entry({ occurredAt: new Date("1999-12-31T23:59:59.999Z"), recordedAt: new Date("2026-01-01T00:00:00.001Z") }),
];

async function append(tx: Transaction, entries: Entry[]): Promise<number[]> {
  const items = entries.map((e) => {
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(e)) row[COLUMNS[key as keyof typeof COLUMNS].name] = value instanceof Date ? value.toISOString() : value;
    return { row, content: auditHashContent(e as never) };
  });
  const [result] = await queryRows<{ seqs: number[] }>(tx, sql`select to_jsonb(audit_logs_append(${JSON.stringify(items)}::jsonb)) as seqs`);
  return result!.seqs.map(Number);
}

type WalkOptions = Omit<NonNullable<Parameters<typeof verifyAuditChain>[0]>, "executor" | "rowsAs">;

/** Both walks over the transaction's view of the table, which must agree. */
async function bothWalks(tx: Transaction, batchSize: number, options: WalkOptions = {}) {
  const copy = await verifyAuditChain({ executor: tx, batchSize, ...options });
  const objects = await verifyAuditChain({ executor: tx, batchSize, ...options, rowsAs: "objects" });
  expect(copy).toEqual(objects);
  return copy;
}

describe("the COPY walk", () => {
  it("hashes rows with tricky values as the object walk and the writer do", async () => {
    const result = await whileTampered(
      async (tx) => void (await append(tx, tricky)),
      (tx) => bothWalks(tx, 4),
    );
    expect(result).toMatchObject({ ok: true });
    expect(result.rows).toBeGreaterThanOrEqual(tricky.length);
  });

  it("reads metadata as its value, whatever form jsonb keeps it in", async () => {
    // jsonb keeps 1.0 and 1e2 as numerics that print as "1.0" and "100": the same JSON values.
    const result = await whileTampered(
      async (tx) => {
        const [seq] = await append(tx, [entry({ metadata: { a: 1, b: 100, c: [0.5] } })]);
        await tx.execute(sql`update audit_logs set metadata = '{"a": 1.0, "b": 1e2, "c": [5e-1]}'::jsonb where seq = ${seq!}`);
      },
      (tx) => bothWalks(tx, 2_000),
    );
    expect(result).toMatchObject({ ok: true });
  });

  it.each([
    ["a text value", sql`user_agent = 'Mozilla/5.0 "quoted" \\ back\\slash' || chr(9)`],
    ["metadata", sql`metadata = jsonb_set(metadata, '{providerName}', '"Bank \\"C\\""')`],
    ["a timestamp, by a millisecond", sql`occurred_at = occurred_at + interval '1 millisecond'`],
    ["a boolean", sql`needs_user_action = not needs_user_action`],
  ])("names the same altered row as the object walk when %s changes", async (_name, change) => {
    const result = await whileTampered(
      async (tx) => {
        const seqs = await append(tx, tricky);
        await tx.execute(sql`update audit_logs set ${change} where seq = ${seqs[3]!}`);
      },
      (tx) => bothWalks(tx, 3),
    );
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("altered") });
  });

  it("gives the object walk's verdict on a relinked row, whatever the batches, and with after, expect and upTo", async () => {
    const result = await whileTampered(
      async (tx) => {
        const seqs = await append(tx, Array.from({ length: 30 }, () => entry()));
        // The forged row gets a hash that fits its new content: the next row no longer links to it.
        const [victim] = await queryRows<{ prevHash: string }>(tx, sql`select prev_hash as "prevHash" from audit_logs where seq = ${seqs[20]!}`);
        const forged = entry({ reason: "forged" });
        await tx.execute(sql`update audit_logs set reason = 'forged', event_id = ${forged.eventId as string}::uuid, connection_id = ${forged.connectionId as string}::uuid,
          correlation_id = ${forged.correlationId as string}::uuid, recorded_at = ${(forged.recordedAt as Date).toISOString()}::timestamptz,
          hash = ${computeAuditHash(victim!.prevHash, forged as never)} where seq = ${seqs[20]!}`);
        await tx.execute(sql`delete from audit_logs where seq = ${seqs[25]!}`);
      },
      async (tx) => {
        const [{ first, last }] = (await queryRows<{ first: number; last: number }>(
          tx,
          sql`select max(seq)::float8 - 29 as first, max(seq)::float8 as last from audit_logs`,
        )) as [{ first: number; last: number }];
        const verdicts = [];
        for (const batchSize of [1, 2, 7, 5_000]) verdicts.push(await bothWalks(tx, batchSize));
        const whole = verdicts[0]!;
        const [head] = await queryRows<{ hash: string }>(tx, sql`select hash from audit_logs where seq = ${first + 5}`);
        verdicts.push(await bothWalks(tx, 3, { upTo: first + 19 }));
        verdicts.push(await bothWalks(tx, 3, { after: { seq: first + 5, hash: head!.hash }, upTo: first + 19 }));
        verdicts.push(await bothWalks(tx, 3, { after: { seq: first + 5, hash: "0".repeat(64) } }));
        verdicts.push(await bothWalks(tx, 4, { expect: { seq: first + 5, hash: head!.hash, at: "then" }, upTo: first + 10 }));
        verdicts.push(await bothWalks(tx, 4, { expect: { seq: first + 5, hash: "f".repeat(64) }, upTo: first + 10 }));
        verdicts.push(await bothWalks(tx, 4, { expect: { seq: last + 5, hash: "f".repeat(64) } }));
        const [later] = await queryRows<{ hash: string }>(tx, sql`select hash from audit_logs where seq = ${first + 22}`);
        const fromLater = { seq: first + 22, hash: later!.hash };
        verdicts.push(await bothWalks(tx, 2, { after: fromLater, expect: { seq: first + 25, hash: "f".repeat(64) } }));
        verdicts.push(await bothWalks(tx, 2, { after: fromLater, expect: { seq: last + 5, hash: "f".repeat(64) } }));
        return { whole, verdicts, first };
      },
    );
    const { whole, verdicts, first } = result;
    expect(whole).toMatchObject({ ok: false, firstBadSeq: first + 21, reason: expect.stringContaining("prev_hash") });
    expect(verdicts.map((v) => (v.ok ? "ok" : v.reason.split(":")[0]))).toEqual([
      ...Array(4).fill("prev_hash does not match the previous row's hash"),
      "ok",
      "ok",
      "the row's hash changed after it was verified",
      "ok",
      "the row's hash is not the one in the signed checkpoint",
      "prev_hash does not match the previous row's hash",
      `row #${first + 25} of the signed checkpoint is missing`,
      "prev_hash does not match the previous row's hash", // the row after the deleted one
    ]);
  });

  it.runIf(env.DATABASE_URL)(
    "leaves its connection usable: many statements in a row, and a walk that stops early",
    async () => {
      expect(await databaseKind()).toBe("postgres");
      const result = await whileTampered(
        async (tx) => {
          const seqs = await append(tx, Array.from({ length: 400 }, (_, i) => entry({ userAgent: `agent ${i} `.repeat(40) })));
          await tx.execute(sql`update audit_logs set reason = 'altered' where seq = ${seqs[10]!}`);
        },
        async (tx) => {
          // One connection (the transaction's): each statement must find it answering.
          const walks = [];
          for (let i = 0; i < 5; i++) walks.push(await verifyAuditChain({ executor: tx, batchSize: 50 }));
          // Stops at the altered row with most of a 5,000-row statement unread.
          walks.push(await verifyAuditChain({ executor: tx, batchSize: 5_000 }));
          const [after] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from audit_logs`);
          return { walks, after };
        },
      );
      for (const walk of result.walks) expect(walk).toMatchObject({ ok: false, reason: expect.stringContaining("altered") });
      expect(result.after!.n).toBeGreaterThanOrEqual(400);
    },
    30_000,
  );
});

describe("canonical JSON from PostgreSQL's jsonb text", () => {
  it("is the reference's, for every value the fast path takes", async () => {
    const values = [
      '{"requestId": null, "providerName": "Sandbox Bank"}',
      '{"zz": 1, "a": [1, "x", {"y": null, "b": true}], "é": "e", "a!": 2, "a b": [], " ": {}}',
      JSON.stringify({ s: `"\\/${controls}\u007f é 😀 \u2028`, "k\"ey": 1 }),
      '{"n": [0, -1, 123456789012345, 1.0, 1e21, -0, 0.1, 1e-7, 12345678901234567890]}',
      '"\\u00e9\\ud83d\\ude00"',
      '[{"b": {"d": 1, "c": 2}, "a": null}, [], {}]',
      "null",
      '{"providerName": "Sandbox Bank", "requestId": "req-1", "reasonText": "The bank could not be reached."}',
    ];
    const rows = await queryRows<{ text: string }>(await getDb(), sql`select v::jsonb::text as text from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb) with ordinality as t(v, i) order by i`);
    const writer = new CanonicalJsonb();
    const taken: string[] = [];
    for (const { text } of rows) {
      const bytes = Buffer.from(text, "utf8");
      const out = Buffer.alloc(bytes.length);
      const end = writer.write(bytes, 0, bytes.length, out, 0);
      if (end >= 0) {
        expect(out.toString("utf8", 0, end)).toBe(canonicalJson(JSON.parse(text)));
        taken.push(text);
      }
    }
    // All but the values with non-ASCII or escaped keys, or numbers other than short integers.
    expect(taken).toHaveLength(5);
    expect(taken).toContain('{"requestId": null, "providerName": "Sandbox Bank"}');
  });
});
