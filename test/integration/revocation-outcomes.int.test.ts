/**
 * A disconnect whose revocation the bank refuses (the Sandbox Bank's `revocationEndpoint:
 * "unavailable"`): the connection is still disconnected and its keys wiped, and the outcome
 * `failed` is what the Past connections list says (with what to do) and what the disconnect
 * audit row records.
 */
import { and, eq } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, expect, test } from "vitest";

import { PastConnections } from "@/components/connections/past-connections";
import { completeConnect } from "@/lib/connections/complete-connect";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { startConnect } from "@/lib/connections/start-connect";
import { getDb } from "@/lib/db/client";
import { auditLogs, providerConnections } from "@/lib/db/schema";
import { listPastConnections } from "@/lib/people/list-past-connections";
import { authorizeInSandboxBank } from "@/lib/providers/sandbox-bank/consent-driver";
import { runWithRequestContext } from "@/lib/request-context";
import { withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { useSmtpCapture } from "@/test/support/use-smtp-capture";

let smtp: Awaited<ReturnType<typeof useSmtpCapture>>;
beforeAll(async () => {
  smtp = await useSmtpCapture();
});
afterAll(async () => {
  await smtp.restore();
});
const bank = withSandboxBank();

const asUser = <T>(userId: string, fn: () => Promise<T>) => runWithRequestContext({ actor: { type: "user", userId } }, fn);

async function connect(userId: string, login: string): Promise<string> {
  const { authorizationUrl } = await asUser(userId, () => startConnect({ userId, providerSlug: "sandbox-bank" }));
  const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login, outcome: "approve", action: "continue" });
  const result = await asUser(userId, () => completeConnect({ userId, providerSlug: "sandbox-bank", callbackUrl }));
  if (!result.ok) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connectionId;
}

test("a revocation the bank refuses: disconnected anyway, and 'failed' with advice in Past connections and in the audit row", async () => {
  const user = await createTestUser();
  const login = `revoke-fails-${Math.random().toString(36).slice(2, 8)}`;
  const connectionId = await connect(user.id, login);
  await bank.control().setAccount(login, { tokenEndpoint: "ok", revocationEndpoint: "unavailable" });
  const before = (await bank.control().stats()).revocations.length;

  const outcome = await asUser(user.id, () => disconnectConnection({ userId: user.id, connectionId }));
  expect(outcome).toMatchObject({ ok: true, revocation: "failed" });
  // The bank was asked (and refused).
  expect((await bank.control().stats()).revocations.slice(before)).toEqual([expect.objectContaining({ login })]);

  const db = await getDb();
  const [row] = await db.select().from(providerConnections).where(eq(providerConnections.id, connectionId));
  expect(row).toMatchObject({ status: "disconnected", accessTokenEnc: null, refreshTokenEnc: null, revocationOutcome: "failed" });

  const past = await listPastConnections({ userId: user.id });
  expect(past.map((c) => [c.id, c.revocationOutcome])).toEqual([[connectionId, "failed"]]);
  const html = renderToStaticMarkup(createElement(PastConnections, { connections: past, providerName: () => "Sandbox Bank", timeZone: "UTC" }));
  expect(html).toContain("Revocation at the bank failed");
  expect(html).toContain("Remove Ledgerlink from the connected apps in your Sandbox Bank settings.");

  await expect
    .poll(async () => {
      const [audit] = await db
        .select({ metadata: auditLogs.metadata })
        .from(auditLogs)
        .where(and(eq(auditLogs.connectionId, connectionId), eq(auditLogs.action, "provider_disconnected")));
      return (audit?.metadata as { revocationOutcome?: string } | undefined)?.revocationOutcome;
    })
    .toBe("failed");
});
