/**
 * Two things that happen out of sight: the warning before a hard consent expiry, and
 * re-encrypting every stored credential after a key rotation.
 */
import { eq } from "drizzle-orm";
import { expect, test } from "vitest";

import { sendReauthWarnings } from "@/lib/connections/reauth-warning";
import { getDb } from "@/lib/db/client";
import { providerConnections } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { rotateTokenKeys } from "@/lib/providers/rotate-token-keys";
import { createTokenCipher } from "@/lib/crypto/token-crypto";
import { connectionTokenContext, getTokenCipher, sealConnectionToken } from "@/lib/providers/token-vault";
import { createTestUser } from "@/test/support/test-users";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const smtp = withSmtpCapture();

async function insertActiveConnection(userId: string, refreshTokenExpiresAt: Date | null) {
  const db = await getDb();
  const id = crypto.randomUUID();
  await db.insert(providerConnections).values({
    id,
    userId,
    providerSlug: "sandbox-bank",
    alias: `Account ${id.slice(0, 4)}`,
    status: "active",
    accessTokenEnc: sealConnectionToken(id, "access_token", `access-${id}`),
    refreshTokenEnc: sealConnectionToken(id, "refresh_token", `refresh-${id}`),
    accessTokenExpiresAt: new Date(Date.now() + 3600_000),
    refreshTokenExpiresAt,
    connectedAt: new Date(),
  });
  return id;
}

test("a connection whose consent ends within REAUTH_WARNING_HOURS gets one warning email, however many sweeps", async () => {
  const user = await createTestUser();
  const hours = getEnv().REAUTH_WARNING_HOURS;
  const soon = await insertActiveConnection(user.id, new Date(Date.now() + (hours - 1) * 3600_000));
  await insertActiveConnection(user.id, new Date(Date.now() + (hours + 24) * 3600_000)); // not yet
  await insertActiveConnection(user.id, null); // no hard lifetime

  await sendReauthWarnings();
  await sendReauthWarnings();

  await expect.poll(() => smtp.capture().messages.filter((m) => m.to.includes(user.email)).length).toBe(1);
  const [warning] = smtp.capture().messages.filter((m) => m.to.includes(user.email));
  expect(warning!.subject).toBe("Sandbox Bank needs you to reconnect soon");
  expect(warning!.text).toContain("/connections");
  const db = await getDb();
  const [row] = await db.select().from(providerConnections).where(eq(providerConnections.id, soon));
  expect(row!.reauthWarningSentAt).toBeInstanceOf(Date);
});

test("keys:rotate re-encrypts every credential with the new first key; the old key is then unnecessary", async () => {
  const user = await createTestUser();
  const id = await insertActiveConnection(user.id, null);
  const oldCipher = getTokenCipher();
  const [oldKey] = getEnv().TOKEN_ENCRYPTION_KEYS;
  const newKey = { kid: "rotated", key: Buffer.alloc(32, 9) };

  // A value no key opens (corruption, a foreign write) is reported and does not block the rest.
  const corrupt = await insertActiveConnection(user.id, null);
  await (await getDb()).update(providerConnections).set({ accessTokenEnc: "not-a-sealed-value" }).where(eq(providerConnections.id, corrupt));

  const summary = await rotateTokenKeys({ cipher: createTokenCipher([newKey, oldKey!]), currentKeyId: "rotated" });
  expect(summary.connections).toBeGreaterThanOrEqual(1);
  expect(summary.unreadable).toBeGreaterThanOrEqual(1);

  const db = await getDb();
  const [row] = await db.select().from(providerConnections).where(eq(providerConnections.id, id));
  expect(row!.accessTokenEnc!.startsWith("v1.rotated.")).toBe(true);
  const onlyNew = createTokenCipher([newKey]);
  expect(onlyNew.decrypt(row!.accessTokenEnc!, connectionTokenContext(id, "access_token"))).toBe(`access-${id}`);
  expect(onlyNew.decrypt(row!.refreshTokenEnc!, connectionTokenContext(id, "refresh_token"))).toBe(`refresh-${id}`);
  expect(() => oldCipher.decrypt(row!.accessTokenEnc!, connectionTokenContext(id, "access_token"))).toThrow();

  // Idempotent: nothing left to do.
  expect((await rotateTokenKeys({ cipher: createTokenCipher([newKey, oldKey!]), currentKeyId: "rotated" })).connections).toBe(0);
  // Put the rest of the database back under the test key for the files that follow.
  await rotateTokenKeys({ cipher: createTokenCipher([oldKey!, newKey]), currentKeyId: oldKey!.kid });
});
