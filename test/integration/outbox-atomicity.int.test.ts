/**
 * A Succeeded event is written to the outbox in the same transaction as the change it reports
 * (docs/DESIGN.md §2): both commit or neither does. Written after the commit instead, a process
 * that dies between the two leaves a change no audit row or email will ever report.
 *
 * What tells the two apart from outside: make the outbox write itself fail (a trigger that
 * refuses this user's Succeeded rows, a real database error). Inside the transaction, the change
 * is rolled back with it; after the commit, the change stays with no outbox row — the same state
 * a crash right after the commit would leave. Checked for connect, disconnect and refresh.
 */
import { and, eq, like, sql } from "drizzle-orm";
import { afterEach, describe, expect, test } from "vitest";

import { completeConnect } from "@/lib/connections/complete-connect";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { refreshConnection } from "@/lib/connections/refresh-connection";
import { startConnect } from "@/lib/connections/start-connect";
import { getDb } from "@/lib/db/client";
import { eventOutbox, providerConnections } from "@/lib/db/schema";
import { authorizeInSandboxBank } from "@/lib/providers/sandbox-bank/consent-driver";
import { runWithRequestContext } from "@/lib/request-context";
import { connectionRow } from "@/test/support/connection-rows";
import { uniqueLogin, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

withSmtpCapture();
withSandboxBank();

const asUser = <T>(userId: string, fn: () => Promise<T>) => runWithRequestContext({ actor: { type: "user", userId } }, fn);

/** From now on the database refuses outbox rows of a Succeeded event about `userId`. */
async function refuseSucceededOutboxRows(userId: string) {
  const db = await getDb();
  await db.execute(
    sql.raw(`CREATE OR REPLACE FUNCTION test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type LIKE '%Succeeded' AND NEW.payload->>'userId' = '${userId}' THEN
          RAISE EXCEPTION 'outbox write refused by the test';
        END IF;
        RETURN NEW;
      END $$`),
  );
  await db.execute(sql.raw("CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON event_outbox FOR EACH ROW EXECUTE FUNCTION test_refuse_outbox()"));
}

afterEach(async () => {
  const db = await getDb();
  await db.execute(sql.raw("DROP TRIGGER IF EXISTS test_refuse_outbox ON event_outbox"));
  await db.execute(sql.raw("DROP FUNCTION IF EXISTS test_refuse_outbox()"));
});

async function succeededOutboxRows(userId: string) {
  const db = await getDb();
  return db
    .select({ type: eventOutbox.type })
    .from(eventOutbox)
    .where(and(like(eventOutbox.type, "%Succeeded"), sql`${eventOutbox.payload}->>'userId' = ${userId}`));
}

/** Start → consent (short-lived tokens, so the connection is due for a refresh) → callback URL. */
async function authorize(userId: string) {
  const { authorizationUrl } = await asUser(userId, () => startConnect({ userId, providerSlug: "sandbox-bank" }));
  return authorizeInSandboxBank(new URL(authorizationUrl), { username: uniqueLogin("otto"), outcome: "short_lived" });
}

async function activeConnection() {
  const user = await createTestUser();
  const callbackUrl = await authorize(user.id);
  const result = await asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl }));
  if (!result.ok) throw new Error(`connect failed: ${result.reason}`);
  return { userId: user.id, connectionId: result.connectionId };
}

describe("the Succeeded outbox row commits with the change, or neither does", () => {
  test("connect: a refused outbox write leaves the connection pending", async () => {
    const user = await createTestUser();
    const callbackUrl = await authorize(user.id);
    await refuseSucceededOutboxRows(user.id);

    await expect(asUser(user.id, () => completeConnect({ userId: user.id, providerSlug: "sandbox-bank", callbackUrl }))).rejects.toThrow();

    const db = await getDb();
    const rows = await db.select().from(providerConnections).where(eq(providerConnections.userId, user.id));
    expect(rows.map((r) => [r.status, r.accessTokenEnc])).toEqual([["pending", null]]);
    expect(await succeededOutboxRows(user.id)).toEqual([]);
  });

  test("disconnect: a refused outbox write leaves the connection active", async () => {
    const { userId, connectionId } = await activeConnection();
    const before = await connectionRow(connectionId);
    await refuseSucceededOutboxRows(userId);

    expect(await asUser(userId, () => disconnectConnection({ userId, connectionId }))).toEqual({ ok: false, reason: "database_error" });

    const after = await connectionRow(connectionId);
    expect(after).toMatchObject({ status: "active", disconnectedAt: null });
    expect(after.refreshTokenEnc).toBe(before.refreshTokenEnc);
    expect((await succeededOutboxRows(userId)).map((r) => r.type)).toEqual(["ProviderConnectionSucceeded"]);
  });

  test("refresh: a refused outbox write leaves the old tokens in place", async () => {
    const { userId, connectionId } = await activeConnection();
    const before = await connectionRow(connectionId);
    await refuseSucceededOutboxRows(userId);

    await expect(refreshConnection({ connectionId })).rejects.toThrow();

    const after = await connectionRow(connectionId);
    expect(after).toMatchObject({ status: "active", lastRefreshedAt: null });
    expect(after.accessTokenEnc).toBe(before.accessTokenEnc);
    expect(after.refreshTokenEnc).toBe(before.refreshTokenEnc);
    expect((await succeededOutboxRows(userId)).map((r) => r.type)).toEqual(["ProviderConnectionSucceeded"]);
  });
});
