/**
 * Audit and outbox flooding (issue 11 item 6): requests any signed-in user can repeat at will
 * write at most one audit row per user, action and window; the rest are counted in
 * audit_collapsed. An unknown provider writes no event at all.
 */
import { randomUUID } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";
import { describe, expect, test } from "vitest";

import { completeConnect } from "@/lib/connections/complete-connect";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { refreshNow, MANUAL_REFRESH_RATE_LIMIT } from "@/lib/connections/refresh-now";
import { CONNECT_RATE_LIMIT, startConnect } from "@/lib/connections/start-connect";
import { getDb } from "@/lib/db/client";
import { auditCollapsed, auditLogs, eventOutbox, providerConnections } from "@/lib/db/schema";
import { runWithRequestContext } from "@/lib/request-context";
import { withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";

withSandboxBank();

const asUser = <T>(userId: string, fn: () => Promise<T>) =>
  runWithRequestContext({ actor: { type: "user", userId }, ipAddress: "203.0.113.9", userAgent: "flood-test" }, fn);

async function auditCount(userId: string, action: string) {
  const rows = await (await getDb()).select().from(auditLogs).where(and(eq(auditLogs.userId, userId), eq(auditLogs.action, action)));
  return rows.length;
}

async function collapsedCount(userId: string, action: string) {
  const rows = await (await getDb())
    .select({ count: auditCollapsed.count })
    .from(auditCollapsed)
    .where(and(eq(auditCollapsed.userId, userId), eq(auditCollapsed.action, action)));
  return rows.reduce((sum, r) => sum + r.count, 0);
}

async function outboxCount(userId: string) {
  const rows = await (await getDb()).select().from(eventOutbox).where(sql`${eventOutbox.payload}->>'userId' = ${userId}`);
  return rows.length;
}

describe("requests that cannot belong to anyone collapse into one audit row and a count", () => {
  test("30 callbacks with no state, or a made-up one, write one audit row; the count says 30", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 30; i += 1) {
      const search = i % 2 === 0 ? "?code=x" : `?code=x&state=${randomUUID()}`;
      const url = new URL(`http://127.0.0.1/connections/callback/sandbox-bank${search}`);
      const result = await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl: url }));
      expect(result).toMatchObject({ ok: false, reason: "invalid_state" });
    }
    expect(await auditCount(user.id, "provider_connection_failed")).toBe(1);
    expect(await collapsedCount(user.id, "provider_connection_failed")).toBe(30);
  });

  test("20 disconnects of random ids write one attempted and one failed audit row; the count says 20", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 20; i += 1) {
      const result = await asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId: randomUUID() }));
      expect(result).toEqual({ ok: false, reason: "connection_not_found" });
    }
    expect(await auditCount(user.id, "provider_disconnection_attempted")).toBe(1);
    expect(await auditCount(user.id, "provider_disconnection_failed")).toBe(1);
    expect(await collapsedCount(user.id, "provider_disconnection_failed")).toBe(20);
  });

  test("an unknown provider slug writes no event and no audit row", async () => {
    const user = await createTestUser();
    const url = new URL("http://127.0.0.1/connections/callback/evil-slug?code=x&state=y");
    for (let i = 0; i < 5; i += 1) {
      await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "evil-slug", callbackUrl: url }));
      await expect(asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "evil-slug" }))).rejects.toMatchObject({ code: "unknown_provider" });
    }
    expect(await outboxCount(user.id)).toBe(0);
    expect(await (await getDb()).select().from(auditLogs).where(eq(auditLogs.userId, user.id))).toHaveLength(0);
  });
});

describe("rate-limited attempts are checked before any event and collapse", () => {
  test("connects past the limit: one audited attempt and failure for all of them, and the count", async () => {
    const user = await createTestUser();
    const extra = 7;
    for (let i = 0; i < CONNECT_RATE_LIMIT.limit + extra; i += 1) {
      await asUser(user.id, () => startConnect({ userId: user.id, providerSlug: "sandbox-bank", alias: `a${i}` })).catch((e: { code?: string }) => {
        expect(e.code).toBe("rate_limited");
      });
    }
    // The allowed attempts each have their row; the refused ones share one.
    expect(await auditCount(user.id, "provider_connection_attempted")).toBe(CONNECT_RATE_LIMIT.limit + 1);
    expect(await auditCount(user.id, "provider_connection_failed")).toBe(1);
    expect(await collapsedCount(user.id, "provider_connection_failed")).toBe(extra);
  });

  test("refresh-now past the limit: one audited attempt and failure, and the count", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const connectionId = randomUUID();
    // An active row with no refresh token: each allowed refresh fails fast without a provider call.
    await db.insert(providerConnections).values({ id: connectionId, userId: user.id, providerSlug: "sandbox-bank", alias: "r", status: "active" });
    const extra = 6;
    for (let i = 0; i < MANUAL_REFRESH_RATE_LIMIT.limit + extra; i += 1) {
      await asUser(user.id, () => refreshNow({ userId: user.id, connectionId })).catch(() => undefined);
      // The first allowed refresh ends the grant (no refresh token); keep the row refreshable.
      await db.update(providerConnections).set({ status: "active" }).where(eq(providerConnections.id, connectionId));
    }
    const refused = (await db.select().from(auditLogs).where(and(eq(auditLogs.userId, user.id), eq(auditLogs.action, "provider_token_refresh_failed")))).filter(
      (r) => r.reason === "rate_limited",
    );
    expect(refused).toHaveLength(1);
    expect(await collapsedCount(user.id, "provider_token_refresh_failed")).toBe(extra);
  });
});
