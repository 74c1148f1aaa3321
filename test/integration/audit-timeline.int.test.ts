/**
 * The admin timeline's queries on a real database: runs (Attempted + outcome) paged by keyset
 * cursor, each exactly once, while new rows keep arriving; the filters; the export's
 * exactly-once stream; the audit-access rows; and the chart's counts.
 */
import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { appendPastRun, type PastRun } from "@/test/support/append-workflow-run";
import { recordAuditAccess } from "@/lib/audit/record-audit-access";
import { parseAuditFilters } from "@/lib/audit/queries/audit-filters";
import { countRunsPerDay } from "@/lib/audit/queries/count-runs-per-day";
import { exportAuditRecords, auditExportStream } from "@/lib/audit/queries/export-audit-log";
import { listAuditProviders } from "@/lib/audit/queries/list-audit-providers";
import { listAuditRuns, type RunPage } from "@/lib/audit/queries/list-audit-runs";
import { DOMAIN_WORKFLOWS, resolveRunFilter, type RunFilter } from "@/lib/audit/queries/run-filter";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { getDb, queryRows } from "@/lib/db/client";
import { listProviders } from "@/lib/providers/find-provider";
import { auditLogs, emailDeliveries } from "@/lib/db/schema";
import { tamperWithAuditLog } from "@/test/support/audit-tamper";
import { captureLogs } from "@/test/support/log-capture";
import { createTestUser } from "@/test/support/test-users";

const DAY = 86_400_000;
const base = Date.UTC(2026, 5, 1, 12); // a fixed past: 1 June 2026, noon UTC
const at = (minutes: number) => new Date(base + minutes * 60_000);
const provider = (slug: string) => ({ providerSlug: slug, providerName: slug === "acme-bank" ? "Acme Bank" : "Sandbox Bank" });

let owner: { id: string; email: string };
let other: { id: string; email: string };
const ownerRuns: string[] = [];

async function run(overrides: Partial<PastRun> & Pick<PastRun, "workflow" | "outcome" | "startedAt">) {
  const userId = overrides.userId ?? owner.id;
  const { correlationId } = await appendPastRun({
    userId,
    ...provider("sandbox-bank"),
    connectionId: randomUUID(),
    actor: { type: "user", userId },
    ipAddress: "203.0.113.7",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    durationMs: 1_500,
    ...overrides,
  });
  return correlationId;
}

beforeAll(async () => {
  owner = await createTestUser();
  other = await createTestUser();
  // 40 runs for the owner: every workflow and outcome, two providers, runs without an outcome,
  // an outcome without its attempt, and several runs in the same millisecond (seq breaks the tie).
  for (let i = 0; i < 40; i++) {
    const startedAt = at(i % 5 === 0 ? 10 * Math.floor(i / 5) : 10 * Math.floor(i / 5) + (i % 5));
    const workflow = (["connect", "refresh", "refresh", "disconnect"] as const)[i % 4]!;
    const outcome = i % 7 === 3 ? "attempted" : i % 3 === 0 ? "failed" : "succeeded";
    const reason = workflow === "connect" ? "user_cancelled" : workflow === "disconnect" ? "database_error" : "provider_revoked";
    ownerRuns.push(
      await run({
        workflow,
        outcome,
        startedAt: i >= 36 ? at(400) : startedAt, // four runs start in the same millisecond
        reason: outcome === "failed" ? reason : undefined,
        needsUserAction: outcome === "failed" && workflow === "refresh" ? true : undefined,
        actor: workflow === "refresh" ? { type: "system" } : { type: "user", userId: owner.id },
        ...(i % 4 === 2 ? provider("acme-bank") : {}),
        withoutAttempt: i === 5,
      }),
    );
  }
  await run({ userId: other.id, workflow: "connect", outcome: "succeeded", startedAt: at(5) });
});

async function pageThrough(filter: RunFilter, pageSize: number, between?: (page: number) => Promise<void>) {
  const seen: string[] = [];
  let page: RunPage = await listAuditRuns({ filter, pageSize });
  let count = 1;
  seen.push(...page.runs.map((r) => r.correlationId));
  while (page.older) {
    await between?.(count);
    page = await listAuditRuns({ filter, pageSize, older: page.older });
    count += 1;
    seen.push(...page.runs.map((r) => r.correlationId));
  }
  return { seen, pages: count, last: page };
}

describe("the timeline's runs", () => {
  it("are one row per run (attempt and outcome together), newest first, with duration, outcome and reason", async () => {
    const { runs } = await listAuditRuns({ filter: { userId: owner.id, workflows: DOMAIN_WORKFLOWS }, pageSize: 100 });
    expect(runs.map((r) => r.correlationId).sort()).toEqual([...ownerRuns].sort());
    const ends = runs.map((r) => (r.endedAt ?? r.startedAt).getTime());
    expect(ends).toEqual([...ends].sort((a, b) => b - a));

    const failed = runs.find((r) => r.outcome === "failed" && r.workflow === "refresh")!;
    expect(failed).toMatchObject({ durationMs: 1_500, reason: "provider_revoked", needsUserAction: true, actorType: "system", userEmail: owner.email });
    expect(failed.reasonText).toMatch(/withdrew/);
    expect(failed.events.map((e) => e.outcome)).toEqual(["attempted", "failed"]);
    expect(failed.events[1]!.metadata).toMatchObject({ providerName: expect.any(String), reasonText: expect.any(String) });

    const open = runs.filter((r) => r.outcome === "attempted");
    expect(open.length).toBeGreaterThan(0);
    for (const r of open) expect(r).toMatchObject({ endedAt: null, durationMs: null });
    const orphan = runs.find((r) => r.correlationId === ownerRuns[5])!;
    expect(orphan.events).toHaveLength(1);
    expect(runs.find((r) => r.providerSlug === "acme-bank")?.providerName).toBe("Acme Bank");
  });

  it("carry who acted, from where, on which connection, and the emails the run sent", async () => {
    const person = await createTestUser();
    const admin = await createTestUser();
    const connectionId = randomUUID();
    const connected = await run({
      userId: person.id,
      workflow: "connect",
      outcome: "succeeded",
      startedAt: at(500),
      durationMs: 2_000,
      connectionId,
      actor: { type: "user", userId: admin.id },
    });
    const lone = await run({ userId: person.id, workflow: "connect", outcome: "failed", reason: "invalid_state", startedAt: at(510), withoutAttempt: true });
    const db = await getDb();
    const [outcomeRow] = await db.select().from(auditLogs).where(sql`${auditLogs.correlationId} = ${connected}::uuid and ${auditLogs.outcome} = 'succeeded'`);
    await db.insert(emailDeliveries).values({
      id: randomUUID(),
      eventId: outcomeRow!.eventId,
      correlationId: connected,
      template: "connected",
      userId: person.id,
      toAddress: person.email,
      subject: "Sandbox Bank connected",
      messageId: `<${randomUUID()}@test>`,
      html: "<p>connected</p>",
      text: "connected",
      status: "sent",
      attempts: 1,
      sentAt: at(501),
    });

    const { runs } = await listAuditRuns({ filter: { userId: person.id, workflows: DOMAIN_WORKFLOWS } });
    expect(runs.map((r) => r.correlationId)).toEqual([lone, connected]);
    const [loneRun, connectedRun] = runs;
    expect(connectedRun).toMatchObject({
      workflow: "connect",
      outcome: "succeeded",
      startedAt: at(500),
      endedAt: new Date(at(500).getTime() + 2_000),
      durationMs: 2_000,
      userId: person.id,
      userEmail: person.email,
      actorType: "user",
      actorEmail: admin.email,
      providerSlug: "sandbox-bank",
      providerName: "Sandbox Bank",
      connectionId,
      ipAddress: "203.0.113.7",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
      emails: [{ eventId: outcomeRow!.eventId, template: "connected", subject: "Sandbox Bank connected", toAddress: person.email, status: "sent", attempts: 1, sentAt: at(501) }],
    });
    expect(connectedRun!.events.map((e) => [e.outcome, e.actorEmail])).toEqual([
      ["attempted", admin.email],
      ["succeeded", admin.email],
    ]);
    // An outcome without its attempt: it started and ended at once, with no duration to show.
    const loneAt = new Date(at(510).getTime() + 1_500); // the helper's outcome comes 1.5 s after the (missing) attempt
    expect(loneRun).toMatchObject({ outcome: "failed", reason: "invalid_state", startedAt: loneAt, endedAt: loneAt, durationMs: null, emails: [] });
  });

  it("keyset pages return every run exactly once, also while new runs keep arriving", async () => {
    const filter: RunFilter = { userId: owner.id, workflows: DOMAIN_WORKFLOWS };
    const quiet = await pageThrough(filter, 7);
    expect(quiet.seen).toHaveLength(ownerRuns.length);
    expect(new Set(quiet.seen)).toEqual(new Set(ownerRuns));
    expect(quiet.pages).toBe(Math.ceil(ownerRuns.length / 7));

    // Between every two pages: a new run (now), a new run back-dated among the pages already
    // read, and an outcome for a run still open further down (that run moves to the top).
    const arrived: string[] = [];
    const busy = await pageThrough(filter, 7, async (n) => {
      arrived.push(await run({ workflow: "refresh", outcome: "succeeded", startedAt: new Date(Date.now() + n) }));
      arrived.push(await run({ workflow: "connect", outcome: "failed", reason: "oauth_error", startedAt: at(1_000 + n) }));
    });
    expect(new Set(busy.seen).size).toBe(busy.seen.length); // no run twice
    for (const id of ownerRuns) expect(busy.seen).toContain(id); // none of the old ones lost
    for (const id of arrived.filter((_, i) => i % 2 === 0)) expect(busy.seen).not.toContain(id); // the new ones are above page 1

    // Paging back up with "Newer" from the last page reaches the top and shows the new runs too.
    const back: string[] = [...busy.last.runs.map((r) => r.correlationId)];
    let page = busy.last;
    while (page.newer) {
      page = await listAuditRuns({ filter, pageSize: 7, newer: page.newer });
      back.push(...page.runs.map((r) => r.correlationId));
    }
    for (const id of [...ownerRuns, ...arrived]) expect(back).toContain(id);
  });

  it("combine filters: user, provider, workflow, outcome, reason, dates and correlation id", async () => {
    const list = async (query: Record<string, string>) => {
      const { filters, ignored } = parseAuditFilters(new URLSearchParams(query));
      expect(ignored).toEqual([]);
      const filter = await resolveRunFilter(filters, { withoutWorkflow: "domain" });
      return filter ? (await listAuditRuns({ filter, pageSize: 200 })).runs : [];
    };
    const failedAcme = await list({ user: owner.email.toUpperCase(), provider: "acme-bank", outcome: "failed" });
    expect(failedAcme.length).toBeGreaterThan(0);
    for (const r of failedAcme) expect(r).toMatchObject({ userId: owner.id, providerSlug: "acme-bank", outcome: "failed" });

    const revoked = await list({ user: owner.email, reason: "provider_revoked", workflow: "refresh" });
    expect(revoked.length).toBeGreaterThan(0);
    for (const r of revoked) expect(r).toMatchObject({ workflow: "refresh", reason: "provider_revoked" });

    const open = await list({ user: owner.email, outcome: "attempted" });
    expect(open.length).toBeGreaterThan(0);
    for (const r of open) expect(r.events.every((e) => e.outcome === "attempted")).toBe(true);

    const oneDay = await list({ user: owner.email, from: "2026-06-01", to: "2026-06-01" });
    for (const r of oneDay) expect((r.endedAt ?? r.startedAt).toISOString().slice(0, 10)).toBe("2026-06-01");
    expect(await list({ user: owner.email, from: "2026-06-05", to: "2026-06-09" })).toHaveLength(0);

    const one = await list({ correlation: ownerRuns[1]! });
    expect(one.map((r) => r.correlationId)).toEqual([ownerRuns[1]]);
    expect(await list({ user: "nobody@example.test" })).toEqual([]);
    expect((await list({ user: other.email })).map((r) => r.userId)).toEqual([other.id]);
  });

  it("counts runs that ended per UTC day and outcome for the chart", async () => {
    const { days } = await countRunsPerDay({
      filter: { userId: owner.id, workflows: DOMAIN_WORKFLOWS, start: new Date(base - DAY / 2), end: new Date(base + DAY) },
    });
    const june1 = days.find((d) => d.day === "2026-06-01")!;
    const [expected] = await queryRows<{ succeeded: number; failed: number }>(
      await getDb(),
      sql`select count(*) filter (where outcome = 'succeeded')::int as succeeded, count(*) filter (where outcome = 'failed')::int as failed
          from audit_logs where user_id = ${owner.id} and occurred_at >= ${new Date(base - DAY / 2).toISOString()}::timestamptz
            and occurred_at < ${new Date(base + DAY / 2).toISOString()}::timestamptz`,
    );
    expect(june1).toMatchObject(expected!);
  });

  it("keeps the chart's counts and adds only rows appended since: the same days as a fresh count", async () => {
    const person = await createTestUser();
    const filter: RunFilter = { userId: person.id, workflows: DOMAIN_WORKFLOWS };
    const now = new Date(base + 2 * DAY);
    const count = (remember: boolean) => countRunsPerDay({ filter, now, remember });
    await run({ userId: person.id, workflow: "refresh", outcome: "succeeded", startedAt: at(60) });
    await run({ userId: person.id, workflow: "connect", outcome: "failed", startedAt: at(24 * 60 + 5), reason: "user_cancelled" });
    const first = await count(true);
    expect(first).toEqual(await count(false));
    expect(first.days.reduce((n, d) => n + d.succeeded + d.failed, 0)).toBe(2);

    // Rows appended since are added, whichever day they fall on.
    await run({ userId: person.id, workflow: "refresh", outcome: "failed", startedAt: at(90), reason: "provider_revoked" });
    await run({ userId: person.id, workflow: "refresh", outcome: "succeeded", startedAt: at(24 * 60 + 30) });
    const second = await count(true);
    expect(second).toEqual(await count(false));
    expect(second.days.reduce((n, d) => n + d.succeeded + d.failed, 0)).toBe(4);

    // What was counted stays counted: a row changed below the kept head (only an owner could)
    // is not read again. The integrity line is what reports such a change.
    const db = await getDb();
    const [changed] = await db.select().from(auditLogs).where(sql`${auditLogs.userId} = ${person.id} and ${auditLogs.outcome} = 'succeeded'`).limit(1);
    await tamperWithAuditLog(sql`update audit_logs set outcome = 'failed' where seq = ${changed!.seq}`);
    try {
      expect(await count(true)).toEqual(second);
      expect(await count(false)).not.toEqual(second);
    } finally {
      await tamperWithAuditLog(sql`update audit_logs set outcome = 'succeeded' where seq = ${changed!.seq}`);
    }
  });
});

describe("the export", () => {
  it("streams every row of the whole log exactly once, in pages, oldest run first", async () => {
    const db = await getDb();
    const records: string[] = [];
    for await (const page of exportAuditRecords({ filter: {}, pageSize: 13 })) records.push(...page.map((r) => r.eventId));
    const all = await db.select({ eventId: auditLogs.eventId }).from(auditLogs);
    expect(records).toHaveLength(all.length);
    expect(new Set(records)).toEqual(new Set(all.map((r) => r.eventId)));
  });

  it("holds the same runs as the timeline for the same filters, every event of each", async () => {
    const filter: RunFilter = { userId: owner.id, workflows: DOMAIN_WORKFLOWS, outcome: "failed" };
    const { runs } = await listAuditRuns({ filter, pageSize: 500 });
    const text = await new Response(auditExportStream({ filter, format: "ndjson", pageSize: 4 })).text();
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(new Set(lines.map((l) => l.correlationId))).toEqual(new Set(runs.map((r) => r.correlationId)));
    expect(lines).toHaveLength(runs.reduce((n, r) => n + r.events.length, 0));
    expect(Object.keys(lines[0]!)).toEqual([
      "eventId", "correlationId", "action", "outcome", "occurredAt", "userId", "providerSlug", "connectionId", "reason", "needsUserAction", "ipAddress", "userAgent",
      "seq", "eventType", "workflow", "actorType", "actorUserId", "providerId", "recordedAt", "metadata", "prevHash", "hash",
    ]);
    const scheduled = lines.find((l) => l.action === "provider_token_refresh_failed")!;
    expect(scheduled.userId).toBe(owner.id); // a scheduled refresh is the connection owner's

    const csv = await new Response(auditExportStream({ filter, format: "csv" })).text();
    expect(csv.split("\r\n")[0]).toBe(
      "eventId,correlationId,action,outcome,occurredAt,userId,providerSlug,connectionId,reason,needsUserAction,ipAddress,userAgent,seq,eventType,workflow,actorType,actorUserId,providerId,recordedAt,metadata,prevHash,hash",
    );
    expect(csv.trimEnd().split("\r\n")).toHaveLength(lines.length + 1);
  });

  it("pages through one person's runs oldest first, each run's rows together, attempt before outcome", async () => {
    const person = await createTestUser();
    const started = [at(100), at(101), at(102)];
    const runs = [];
    for (const [i, startedAt] of started.entries()) {
      runs.push(await run({ userId: person.id, workflow: "refresh", outcome: i === 1 ? "failed" : "succeeded", startedAt, reason: i === 1 ? "provider_revoked" : undefined }));
    }
    const pages: { correlationId: string; outcome: string }[][] = [];
    for await (const page of exportAuditRecords({ filter: { userId: person.id }, pageSize: 2 })) pages.push(page.map((r) => ({ correlationId: r.correlationId, outcome: r.outcome })));
    expect(pages).toEqual([
      [{ correlationId: runs[0], outcome: "attempted" }, { correlationId: runs[0], outcome: "succeeded" }, { correlationId: runs[1], outcome: "attempted" }, { correlationId: runs[1], outcome: "failed" }],
      [{ correlationId: runs[2], outcome: "attempted" }, { correlationId: runs[2], outcome: "succeeded" }],
    ]);

    const nobody: unknown[] = [];
    for await (const page of exportAuditRecords({ filter: { userId: randomUUID() } })) nobody.push(page);
    expect(nobody).toEqual([]);
  });

  it("is an empty file with its header when the user filter names nobody", async () => {
    expect(await new Response(auditExportStream({ filter: null, format: "csv" })).text()).toMatch(/^eventId,.*\r\n$/);
    expect(await new Response(auditExportStream({ filter: null, format: "ndjson" })).text()).toBe("");
  });
});

describe("audit access", () => {
  it("is recorded in the chain (who, from where, which filters) and kept out of the workflow runs", async () => {
    const admin = await createTestUser();
    const { filters } = parseAuditFilters({ provider: "acme-bank", outcome: "failed" });
    const headers = new Headers({ "x-forwarded-for": "198.51.100.4", "user-agent": "Mozilla/5.0 Chrome/150", "x-request-id": "req-view-1" });
    const viewed = await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters, headers });
    const exported = await recordAuditAccess({
      access: { action: "audit_log_exported", format: "csv", filename: "ledgerlink-audit.csv" },
      adminId: admin.id,
      filters,
      headers,
    });
    expect(viewed.inserted && exported.inserted).toBe(true);

    const db = await getDb();
    const [row] = await db.select().from(auditLogs).where(eq(auditLogs.eventId, exported.eventId));
    expect(row).toMatchObject({
      action: "audit_log_exported",
      workflow: "admin",
      outcome: "succeeded",
      actorType: "user",
      actorUserId: admin.id,
      providerSlug: "ledgerlink",
      // No trusted proxy is configured: the client's own X-Forwarded-For is not believed.
      ipAddress: null,
      metadata: { requestId: "req-view-1", filters: { provider: "acme-bank", outcome: "failed" }, format: "csv", filename: "ledgerlink-audit.csv" },
    });
    expect(await verifyAuditChain()).toMatchObject({ ok: true });

    const domain = await listAuditRuns({ filter: { userId: admin.id, workflows: DOMAIN_WORKFLOWS } });
    expect(domain.runs).toEqual([]);
    const access = await listAuditRuns({ filter: { userId: admin.id, workflows: ["admin"] } });
    expect(access.runs.map((r) => [r.workflow, r.events[0]!.action, r.providerName])).toEqual([
      ["admin", "audit_log_exported", "Ledgerlink"],
      ["admin", "audit_log_viewed", "Ledgerlink"],
    ]);
    expect(access.runs[0]!.events[0]!.metadata).toMatchObject({ filters: { provider: "acme-bank" } });
  });

  it("refuses metadata that does not fit (unknown filter keys cannot ride along)", async () => {
    const admin = await createTestUser();
    await expect(
      recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters: { token: "x" } as never, headers: new Headers() }),
    ).rejects.toThrow();
  });
});

describe("the filters the page offers", () => {
  it("the chart of one outcome counts that outcome only", async () => {
    const person = await createTestUser();
    await run({ userId: person.id, workflow: "refresh", outcome: "succeeded", startedAt: at(60) });
    await run({ userId: person.id, workflow: "refresh", outcome: "failed", startedAt: at(70), reason: "provider_revoked" });
    await run({ userId: person.id, workflow: "connect", outcome: "failed", startedAt: at(80), reason: "user_cancelled" });
    const now = new Date(base + DAY);
    const chart = (outcome?: RunFilter["outcome"]) => countRunsPerDay({ filter: { userId: person.id, workflows: DOMAIN_WORKFLOWS, outcome }, now });
    const june1 = async (outcome?: RunFilter["outcome"]) => (await chart(outcome)).days.find((d) => d.day === "2026-06-01");

    expect(await june1()).toEqual({ day: "2026-06-01", succeeded: 1, failed: 2 });
    expect(await june1("failed")).toEqual({ day: "2026-06-01", succeeded: 0, failed: 2 });
    expect(await june1("succeeded")).toEqual({ day: "2026-06-01", succeeded: 1, failed: 0 });
  });

  it("pages back up with the Newer link: the same pages, in order, and a full first page at the top", async () => {
    const person = await createTestUser();
    const runs: string[] = [];
    for (let i = 0; i < 7; i++) runs.push(await run({ userId: person.id, workflow: "refresh", outcome: "succeeded", startedAt: at(200 + i) }));
    const newestFirst = [...runs].reverse();
    const filter: RunFilter = { userId: person.id, workflows: DOMAIN_WORKFLOWS };
    const ids = (page: RunPage) => page.runs.map((r) => r.correlationId);

    const first = await listAuditRuns({ filter, pageSize: 3 });
    const second = await listAuditRuns({ filter, pageSize: 3, older: first.older });
    const third = await listAuditRuns({ filter, pageSize: 3, older: second.older });
    expect([ids(first), ids(second), ids(third)]).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
    expect([first.newer, third.older]).toEqual([null, null]);

    // Back up from the last page: the middle page again, with both links.
    const back = await listAuditRuns({ filter, pageSize: 3, newer: third.newer });
    expect(ids(back)).toEqual(ids(second));
    expect(back.newer).not.toBeNull();
    expect(back.older).not.toBeNull();
    expect(ids(await listAuditRuns({ filter, pageSize: 3, older: back.older }))).toEqual(ids(third));
    // From the middle page up: the top, a full first page with no Newer link.
    const top = await listAuditRuns({ filter, pageSize: 3, newer: back.newer });
    expect(ids(top)).toEqual(ids(first));
    expect(top.newer).toBeNull();
    expect(top.older).toEqual(first.older);
  });

  it("keeps each filter's chart apart: a remembered chart is never another filter's", async () => {
    const [one, two] = [await createTestUser(), await createTestUser()];
    await run({ userId: one.id, workflow: "refresh", outcome: "succeeded", startedAt: at(60) });
    await run({ userId: two.id, workflow: "refresh", outcome: "failed", startedAt: at(60), reason: "provider_revoked" });
    const now = new Date(base + DAY);
    const june1 = async (userId: string) =>
      (await countRunsPerDay({ filter: { userId, workflows: DOMAIN_WORKFLOWS }, now, remember: true })).days.find((d) => d.day === "2026-06-01");
    expect(await june1(one.id)).toEqual({ day: "2026-06-01", succeeded: 1, failed: 0 });
    expect(await june1(two.id)).toEqual({ day: "2026-06-01", succeeded: 0, failed: 1 });
  });

  it("two workflows of the four are those two: runs and chart", async () => {
    const person = await createTestUser();
    await run({ userId: person.id, workflow: "refresh", outcome: "succeeded", startedAt: at(60) });
    await run({ userId: person.id, workflow: "connect", outcome: "succeeded", startedAt: at(61) });
    await run({ userId: person.id, workflow: "disconnect", outcome: "succeeded", startedAt: at(62) });
    const filter: RunFilter = { userId: person.id, workflows: ["connect", "disconnect"] };

    const { runs } = await listAuditRuns({ filter });
    expect(runs.map((r) => r.workflow)).toEqual(["disconnect", "connect"]);
    const { days } = await countRunsPerDay({ filter, now: new Date(base + DAY) });
    expect(days.find((d) => d.day === "2026-06-01")).toMatchObject({ succeeded: 2, failed: 0 });
  });

  it("providers: every one configured and every one the log names, by name, never the app's own entry", async () => {
    await run({ userId: other.id, workflow: "connect", outcome: "failed", startedAt: at(3), providerSlug: "gone-bank", providerName: "Gone Bank", reason: "user_cancelled" });
    await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: other.id, filters: {}, headers: new Headers() });

    const providers = await listAuditProviders();
    const slugs = providers.map((p) => p.slug);
    for (const configured of listProviders()) expect(providers).toContainEqual({ slug: configured.slug, name: configured.name });
    expect(providers).toContainEqual({ slug: "acme-bank", name: "acme-bank" }); // named in the log, not configured here
    expect(providers).toContainEqual({ slug: "gone-bank", name: "gone-bank" });
    expect(slugs).not.toContain("ledgerlink");
    expect(new Set(slugs).size).toBe(slugs.length);
    const names = providers.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("an access is logged by what it was, and its request's texts are kept clean and bounded", async () => {
    const admin = await createTestUser();
    const logs = captureLogs();
    let viewed, exported;
    try {
      const headers = new Headers({ "user-agent": `  Mozilla/5.0\u0007 (X11)  ${"x".repeat(2_000)}`, "x-request-id": "  req\u0001-7  " });
      viewed = await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters: { from: "2026-06-01" }, headers });
      exported = await recordAuditAccess({ access: { action: "audit_log_exported", format: "ndjson", filename: "x.ndjson" }, adminId: admin.id, filters: {}, headers });
    } finally {
      logs.restore();
    }
    expect(logs.lines.filter((l) => l.adminId === admin.id).map((l) => [l.msg, l.action, l.eventId])).toEqual([
      ["audit log viewed", "audit_log_viewed", viewed.eventId],
      ["audit log exported", "audit_log_exported", exported.eventId],
    ]);
    const [row] = await (await getDb()).select().from(auditLogs).where(eq(auditLogs.eventId, viewed.eventId));
    expect(row!.userAgent).toBe(`Mozilla/5.0 (X11)  ${"x".repeat(1_000 - "Mozilla/5.0 (X11)  ".length)}`);
    expect(row!.metadata).toEqual({ requestId: "req-7", filters: { from: "2026-06-01" }, timeZone: "UTC" });
  });

  it("an access with day filters records the zone those days are in (UTC when none is given)", async () => {
    const admin = await createTestUser();
    const { filters } = parseAuditFilters({ from: "2026-06-01", to: "2026-06-02" });
    const zoned = await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters, timeZone: "Europe/Paris", headers: new Headers() });
    const utc = await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters, headers: new Headers() });
    const undated = await recordAuditAccess({ access: { action: "audit_log_viewed" }, adminId: admin.id, filters: {}, timeZone: "Europe/Paris", headers: new Headers() });

    const metadata = async (eventId: string) => (await (await getDb()).select().from(auditLogs).where(eq(auditLogs.eventId, eventId)))[0]!.metadata;
    expect(await metadata(zoned.eventId)).toEqual({ requestId: expect.any(String), filters: { from: "2026-06-01", to: "2026-06-02" }, timeZone: "Europe/Paris" });
    expect(await metadata(utc.eventId)).toEqual({ requestId: expect.any(String), filters: { from: "2026-06-01", to: "2026-06-02" }, timeZone: "UTC" });
    expect(await metadata(undated.eventId)).toEqual({ requestId: expect.any(String), filters: {} });
  });
});
