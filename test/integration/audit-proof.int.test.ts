/**
 * Issue 10's tampering, done as the table's owner (here the test database's superuser, with the
 * append-only triggers switched off), each one inside a transaction that is rolled back:
 * a forged row, a forged row with every hash recomputed, the newest rows deleted. Each must be
 * caught by the admin badge, by `audit:verify --checkpoint` (verifyAuditChain with `expect`) and
 * by the offline file verifier.
 */
import { desc, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { auditChainStatus, forgetAuditChainStatus } from "@/lib/audit/chain-status";
import { checkpointAfterSweep, createAuditCheckpoint, latestAuditCheckpoint } from "@/lib/audit/checkpoints/create-checkpoint";
import { auditPublicKeys, type SignedCheckpoint } from "@/lib/audit/checkpoints/sign-checkpoint";
import { verifyExport } from "@/lib/audit/offline-verifier.mjs";
import { auditExportStream } from "@/lib/audit/queries/export-audit-log";
import type { RunFilter } from "@/lib/audit/queries/run-filter";
import { auditTableRights } from "@/lib/audit/runtime-role";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { getDb, type Executor, type Transaction } from "@/lib/db/client";
import { auditCheckpoints, auditLogs } from "@/lib/db/schema";
import { rehashWholeChain, whileTampered } from "@/test/support/audit-tamper";
import { captureLogs } from "@/test/support/log-capture";
import { appendPastRefreshes } from "@/test/support/past-refreshes";

const someRuns = (count: number) => appendPastRefreshes(count, { from: new Date(Date.UTC(2026, 4, 1)) });

/** A full NDJSON export through the route's stream, signed like the route signs it. */
async function fullExport(db: Executor): Promise<string> {
  const head = await createAuditCheckpoint({ reason: "export", executor: db });
  return new Response(auditExportStream({ filter: {}, format: "ndjson", head, scope: "full", db, pageSize: 7 })).text();
}

/** A row below the earlier checkpoint. */
async function victimSeq(tx: Transaction): Promise<number> {
  const [row] = await tx.select({ seq: auditLogs.seq }).from(auditLogs).where(sql`seq < ${earlier.seq - 2}`).orderBy(desc(auditLogs.seq)).limit(1);
  return row!.seq;
}

let earlier: SignedCheckpoint;
let earlierExport: string;

describe("signed checkpoints and exports", () => {
  // Inside the describe, not at the file's top level: a failing hook then fails every test
  // under it for the mutation runner too (it finds a hook's error through the test's suites).
  beforeAll(async () => {
    await someRuns(4);
    const db = await getDb();
    earlierExport = await fullExport(db);
    earlier = (await latestAuditCheckpoint(db))!;
    await someRuns(2);
    await createAuditCheckpoint({ reason: "sweep" });
  });
  afterEach(() => forgetAuditChainStatus());

  it("verify untouched: the badge, the live check against an earlier checkpoint, and the exported file", async () => {
    const db = await getDb();
    const status = await auditChainStatus();
    expect(status).toMatchObject({ ok: true, checkpoint: { status: "matches" } });
    expect(await verifyAuditChain({ expect: earlier })).toMatchObject({ ok: true });
    const text = await fullExport(db);
    expect(text.trim().split("\n").at(-1)).toMatch(/^\{"type":"checkpoint","seq":\d+,"hash":"[0-9a-f]{64}","at":"[^"]+","keyId":"[^"]+","signature":"[^"]+","scope":"full"\}$/);
    const result = verifyExport(text, { publicKeys: auditPublicKeys(), expect: earlier });
    expect(result).toMatchObject({ ok: true, scope: "full" });
    expect(verifyExport(earlierExport, { publicKeys: auditPublicKeys() })).toMatchObject({ ok: true });
  });

  it("a filtered NDJSON export ends with a checkpoint signed over its own last row; an empty one with the head", async () => {
    const db = await getDb();
    const ids = await someRuns(2);
    const [lastRow] = await db.select().from(auditLogs).where(sql`event_id = ${ids.at(-1)!}::uuid`);
    const head = await createAuditCheckpoint({ reason: "export", executor: db });
    const filtered = async (filter: RunFilter | null) =>
      new Response(auditExportStream({ filter, format: "ndjson", head, scope: "filtered", db, pageSize: 1 })).text();

    const text = await filtered({ userId: lastRow!.userId! });
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatchObject({ type: "checkpoint", seq: lastRow!.seq, hash: lastRow!.hash, scope: "filtered", keyId: head.keyId });
    expect(lines.at(-1)!.signature).not.toBe(head.signature);
    expect(verifyExport(text, { publicKeys: auditPublicKeys() })).toMatchObject({ ok: true, scope: "filtered", rows: 4 });

    const empty = (await filtered({ userId: crypto.randomUUID() })).trimEnd().split("\n");
    expect(empty.map((line) => JSON.parse(line) as unknown)).toEqual([{ type: "checkpoint", ...head, scope: "filtered" }]);
  });

  it("a page that cannot be read breaks the download (it never looks complete) and is reported", async () => {
    const failing = new Proxy({}, { get: () => { throw new Error("the database went away"); } }) as unknown as Executor;
    const errors: unknown[] = [];
    const broken = new Response(auditExportStream({ filter: {}, format: "ndjson", db: failing, onError: (error) => errors.push(error) }));
    await expect(broken.text()).rejects.toThrow("the database went away");
    expect(errors).toEqual([expect.objectContaining({ message: "the database went away" })]);
  });

  it("a forged IP address (triggers off, UPDATE) is named by every check", async () => {
    await whileTampered(
      async (tx) => void (await tx.execute(sql`update audit_logs set ip_address = '198.51.100.66' where seq = ${await victimSeq(tx)}`)),
      async (tx) => {
        const seq = await victimSeq(tx);
        expect(await auditChainStatus({ executor: tx })).toMatchObject({ ok: false, firstBadSeq: seq, reason: expect.stringContaining("altered") });
        expect(await verifyAuditChain({ executor: tx, expect: earlier })).toMatchObject({ ok: false, firstBadSeq: seq });
        const result = verifyExport(await fullExport(tx), { publicKeys: auditPublicKeys() });
        expect(result).toMatchObject({ ok: false, seq, problem: expect.stringContaining("edited") });
      },
    );
  });

  it("a forged IP address with every hash recomputed is caught by the signed checkpoints", async () => {
    await whileTampered(
      async (tx) => {
        await tx.execute(sql`update audit_logs set ip_address = '198.51.100.66' where seq = ${await victimSeq(tx)}`);
        await rehashWholeChain(tx);
      },
      async (tx) => {
        const newest = (await latestAuditCheckpoint(tx))!;
        expect(await verifyAuditChain({ executor: tx })).toMatchObject({ ok: true }); // the chain alone is fooled
        expect(await auditChainStatus({ executor: tx })).toMatchObject({ ok: false, firstBadSeq: newest.seq, reason: expect.stringContaining("rewritten") });
        expect(await verifyAuditChain({ executor: tx, expect: earlier })).toMatchObject({ ok: false, firstBadSeq: earlier.seq, reason: expect.stringContaining("rewritten") });
        // A fresh export signs the forged head, so it is consistent in itself; the earlier checkpoint is what exposes it.
        const text = await fullExport(tx);
        expect(verifyExport(text, { publicKeys: auditPublicKeys(), expect: earlier })).toMatchObject({ ok: false, seq: earlier.seq, problem: expect.stringContaining("rewritten") });
      },
    );
  });

  it("deleting the newest rows is caught against the newest checkpoint, naming the first missing row", async () => {
    await whileTampered(
      async (tx) => void (await tx.execute(sql`delete from audit_logs where seq > ${earlier.seq - 2}`)),
      async (tx) => {
        const newest = (await latestAuditCheckpoint(tx))!;
        const status = await auditChainStatus({ executor: tx });
        expect(status).toMatchObject({ ok: false, firstBadSeq: earlier.seq - 1, reason: expect.stringContaining(`#${newest.seq}`) });
        expect(await verifyAuditChain({ executor: tx, expect: earlier })).toMatchObject({ ok: false, firstBadSeq: earlier.seq - 1, reason: expect.stringContaining("deleted") });
        const result = verifyExport(await fullExport(tx), { publicKeys: auditPublicKeys(), expect: earlier });
        expect(result).toMatchObject({ ok: false, problem: expect.stringContaining("newest rows were deleted") });
      },
    );
  });

  it("a checkpoint made after the tampering is not stored over the broken one, so the badge keeps saying so", async () => {
    await whileTampered(
      async (tx) => void (await tx.execute(sql`delete from audit_logs where seq > ${earlier.seq - 2}`)),
      async (tx) => {
        const newest = (await latestAuditCheckpoint(tx))!;
        const logs = captureLogs();
        let signed: SignedCheckpoint;
        try {
          signed = await createAuditCheckpoint({ reason: "sweep", executor: tx });
        } finally {
          logs.restore();
        }
        expect(signed.seq).toBe(earlier.seq - 2); // signed and logged (an export's file needs it) ...
        expect(logs.lines).toEqual([
          expect.objectContaining({
            level: 50,
            msg: "audit checkpoint signed but not stored: the newest stored checkpoint does not hold",
            reason: "sweep",
            auditCheckpoint: { type: "checkpoint", ...signed },
            newestCheckpointBroken: expect.stringContaining(`#${newest.seq}`),
          }),
        ]);
        expect(await latestAuditCheckpoint(tx)).toEqual(newest); // ... but not stored
        expect(await auditChainStatus({ executor: tx })).toMatchObject({ ok: false, reason: expect.stringContaining(`#${newest.seq}`) });
      },
    );
  });

  it("a deleted checkpoint table does not hide a deleted tail from a checkpoint kept in the log", async () => {
    await whileTampered(
      async (tx) => {
        await tx.execute(sql`delete from audit_logs where seq > ${earlier.seq - 1}`);
        await tx.delete(auditCheckpoints);
      },
      async (tx) => {
        expect(await verifyAuditChain({ executor: tx, expect: earlier })).toMatchObject({ ok: false, firstBadSeq: earlier.seq });
      },
    );
  });

  it("a checkpoint signed with a key the app does not hold is reported, never trusted", async () => {
    await whileTampered(
      async (tx) => void (await tx.insert(auditCheckpoints).values({ seq: earlier.seq, hash: earlier.hash, at: new Date(), keyId: "stranger", signature: earlier.signature })),
      async (tx) => {
        expect(await auditChainStatus({ executor: tx })).toMatchObject({ ok: false, reason: expect.stringContaining('unknown key "stranger"') });
      },
    );
  });

  it("says plainly when the app's own role owns the audit table (one DATABASE_URL)", async () => {
    expect(await auditTableRights()).toMatchObject({ owns: true });
  });

  it("the sweep's checkpoint signs the current head, is stored, and is logged with its reason", async () => {
    await someRuns(1);
    const logs = captureLogs();
    try {
      const checkpoint = await checkpointAfterSweep();
      const [head] = await (await getDb()).select({ seq: auditLogs.seq, hash: auditLogs.hash }).from(auditLogs).orderBy(desc(auditLogs.seq)).limit(1);
      expect(checkpoint).toMatchObject({ seq: head!.seq, hash: head!.hash });
      expect(await latestAuditCheckpoint()).toEqual(checkpoint);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ msg: "audit checkpoint", reason: "sweep", auditCheckpoint: expect.objectContaining({ type: "checkpoint", seq: head!.seq, hash: head!.hash }) }),
      );
    } finally {
      logs.restore();
    }
  });
});
