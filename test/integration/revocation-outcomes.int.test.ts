/**
 * A disconnect whose revocation the bank refuses (the Sandbox Bank's `revocationEndpoint:
 * "unavailable"`): the connection is still disconnected and its keys wiped, and the outcome
 * `failed` is what the Past connections list says (with what to do) and what the disconnect
 * audit row records.
 */
import { and, eq } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, test } from "vitest";

import { PastConnections } from "@/components/connections/past-connections";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getDb } from "@/lib/db/client";
import { auditLogs, providerConnections } from "@/lib/db/schema";
import { listPastConnections } from "@/lib/people/list-past-connections";
import { runWithRequestContext } from "@/lib/request-context";
import { connectAtSandboxBank, withSandboxBank } from "@/test/support/sandbox-bank";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

withSmtpCapture();
const bank = withSandboxBank();

const asUser = <T>(userId: string, fn: () => Promise<T>) => runWithRequestContext({ actor: { type: "user", userId } }, fn);

test("a revocation the bank refuses: disconnected anyway, and 'failed' with advice in Past connections and in the audit row", async () => {
  const user = await createTestUser();
  const login = `revoke-fails-${Math.random().toString(36).slice(2, 8)}`;
  const connectionId = await connectAtSandboxBank({ userId: user.id, login: login });
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
