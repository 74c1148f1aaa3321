/**
 * A provider added from the environment alone, no code change: one by discovery from
 * PROVIDER_<SLUG>_ISSUER, one by explicit endpoints. Both are real OAuth servers here (a
 * second Sandbox Bank playing "Acme Bank"); connect and disconnect must work end to end.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

import { completeConnect } from "@/lib/connections/complete-connect";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { startConnect } from "@/lib/connections/start-connect";
import { getDb } from "@/lib/db/client";
import { providerConnections } from "@/lib/db/schema";
import { getProviders } from "@/lib/providers/get-providers";
import { authorizeInSandboxBank } from "@/lib/providers/sandbox-bank/consent-driver";
import { sandboxControl } from "@/lib/providers/sandbox-bank/control-client";
import { startSandboxBank, type SandboxBank } from "@/lib/providers/sandbox-bank/server";
import { runWithRequestContext } from "@/lib/request-context";
import { createTestUser } from "@/test/support/test-users";

// Beside the test app (APP_URL + 2, so 3202 by default): it moves with the app's port, so two runs side by side do not collide.
const ACME = `http://localhost:${Number(new URL(process.env.APP_URL ?? "http://localhost:3200").port) + 2}`;
let acme: SandboxBank;

beforeAll(async () => {
  const appUrl = process.env.APP_URL!;
  Object.assign(process.env, {
    PROVIDER_ACME_BANK_NAME: "Acme Bank",
    PROVIDER_ACME_BANK_ISSUER: ACME,
    PROVIDER_ACME_BANK_CLIENT_ID: "acme-client",
    PROVIDER_ACME_BANK_CLIENT_SECRET: "acme-secret-value",
    PROVIDER_ACME_BANK_CATEGORY: "bank",
    PROVIDER_ACME_BANK_SCOPES: "openid offline_access accounts",
    PROVIDER_ACME_DIRECT_NAME: "Acme Direct",
    PROVIDER_ACME_DIRECT_AUTHORIZATION_URL: `${ACME}/auth`,
    PROVIDER_ACME_DIRECT_TOKEN_URL: `${ACME}/token`,
    PROVIDER_ACME_DIRECT_REVOCATION_URL: `${ACME}/token/revocation`,
    PROVIDER_ACME_DIRECT_CLIENT_ID: "acme-direct",
    PROVIDER_ACME_DIRECT_CLIENT_SECRET: "acme-direct-secret",
    PROVIDER_ACME_DIRECT_TOKEN_AUTH: "client_secret_post",
    PROVIDER_ACME_DIRECT_SCOPES: "offline_access accounts",
    // A broken one must be left out without taking the others down.
    PROVIDER_BROKEN_BANK_ISSUER: "http://bank.example.com",
    PROVIDER_BROKEN_BANK_CLIENT_ID: "x",
  });
  acme = await startSandboxBank({
    issuer: ACME,
    quiet: true,
    controlSecret: "acme-control",
    clients: [
      { clientId: "acme-client", clientSecret: "acme-secret-value", redirectUris: [`${appUrl}/connections/callback/acme-bank`] },
      { clientId: "acme-direct", clientSecret: "acme-direct-secret", redirectUris: [`${appUrl}/connections/callback/acme-direct`] },
    ],
  });
});
afterAll(async () => {
  await acme?.close();
  for (const name of Object.keys(process.env)) {
    if (/^PROVIDER_(ACME|BROKEN)_/.test(name)) delete process.env[name];
  }
});

test("the registry has both, and reports the broken one by name without its values", () => {
  const registry = getProviders();
  expect(registry.providers.map((p) => p.slug)).toEqual(expect.arrayContaining(["sandbox-bank", "acme-bank", "acme-direct"]));
  expect(registry.providers.map((p) => p.slug)).not.toContain("broken-bank");
  expect(registry.problems.join("\n")).toMatch(/PROVIDER_BROKEN_BANK/);
});

test.each(["acme-bank", "acme-direct"])("%s: connect, then disconnect with revocation", async (slug) => {
  const user = await createTestUser();
  const login = `acme-${Math.random().toString(36).slice(2, 8)}`;
  await runWithRequestContext({ actor: { type: "user", userId: user.id } }, async () => {
    const { authorizationUrl } = await startConnect({ userId: user.id, providerSlug: slug });
    expect(authorizationUrl.startsWith(`${ACME}/auth?`)).toBe(true);
    expect(new URL(authorizationUrl).searchParams.get("code_challenge_method")).toBe("S256");
    const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login });
    const result = await completeConnect({ userId: user.id, providerSlug: slug, callbackUrl });
    expect(result).toMatchObject({ ok: true, providerSlug: slug });
    if (!result.ok) return;
    const disconnected = await disconnectConnection({ userId: user.id, connectionId: result.connectionId });
    expect(disconnected).toMatchObject({ ok: true, revocation: "revoked" });
  });
  const stats = await sandboxControl({ issuer: ACME, secret: "acme-control" }).stats();
  expect(stats.tokenRequests.byAccount[login]?.authorizationCode).toBe(1);
  expect(stats.revocations.filter((r) => r.login === login)).toHaveLength(1);
});

test("a state minted for one provider, brought back to another provider's callback, is invalid_state and asks neither", async () => {
  const user = await createTestUser();
  const login = `acme-${Math.random().toString(36).slice(2, 8)}`;
  const result = await runWithRequestContext({ actor: { type: "user", userId: user.id } }, async () => {
    const { authorizationUrl } = await startConnect({ userId: user.id, providerSlug: "acme-bank" });
    const callbackUrl = await authorizeInSandboxBank(new URL(authorizationUrl), { username: login });
    return completeConnect({ userId: user.id, providerSlug: "acme-direct", callbackUrl });
  });
  expect(result).toMatchObject({ ok: false, reason: "invalid_state" });
  const stats = await sandboxControl({ issuer: ACME, secret: "acme-control" }).stats();
  expect(stats.tokenRequests.byAccount[login]?.authorizationCode ?? 0).toBe(0);
  const db = await getDb();
  const rows = await db.select().from(providerConnections).where(eq(providerConnections.userId, user.id));
  // The caller's own run ends failed (it gets its outcome); nothing was activated.
  expect(rows.map((r) => [r.providerSlug, r.status])).toEqual([["acme-bank", "failed"]]);
});
