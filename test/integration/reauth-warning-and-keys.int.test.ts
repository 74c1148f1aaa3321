/**
 * Two things that happen out of sight: the warning before a hard consent expiry, and
 * re-encrypting every stored credential after a key rotation.
 */
import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";

import { formatEmailTime } from "@/components/emails/email-parts";
import { sendReauthWarnings } from "@/lib/connections/reauth-warning";
import { getDb } from "@/lib/db/client";
import { providerConnections, users } from "@/lib/db/schema";
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

describe("the warning's window, count, deadline and key", () => {
  // Consents that end in 2001: no other test's connection is in any window below.
  const NOW = new Date("2001-03-01T00:00:00.000Z");
  const HOUR = 3600_000;
  const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
  const mailTo = (address: string) => smtp.capture().messages.filter((m) => m.to.includes(address));
  const warnedAt = async (id: string) => (await (await getDb()).select().from(providerConnections).where(eq(providerConnections.id, id)))[0]!.reauthWarningSentAt;

  test("warns from the end of the consent back to REAUTH_WARNING_HOURS before it, not earlier and not after it, and counts what it sent", async () => {
    const user = await createTestUser();
    const horizon = getEnv().REAUTH_WARNING_HOURS * HOUR;
    const onTheHorizon = await insertActiveConnection(user.id, at(horizon));
    const justInside = await insertActiveConnection(user.id, at(1));
    const pastTheHorizon = await insertActiveConnection(user.id, at(horizon + 1));
    const alreadyOver = await insertActiveConnection(user.id, at(0));

    expect(await sendReauthWarnings(NOW)).toBe(2);
    expect(await sendReauthWarnings(NOW)).toBe(0);

    expect(await warnedAt(onTheHorizon)).toEqual(NOW);
    expect(await warnedAt(justInside)).toEqual(NOW);
    expect(await warnedAt(pastTheHorizon)).toBeNull();
    expect(await warnedAt(alreadyOver)).toBeNull();
    expect(mailTo(user.email)).toHaveLength(2);
  });

  test("the email names the connection, the end of the consent in the user's own zone, and the pages to act on", async () => {
    const user = await createTestUser();
    const db = await getDb();
    await db.update(users).set({ timeZone: "Asia/Tokyo" }).where(eq(users.id, user.id));
    const ends = at(HOUR);
    const id = await insertActiveConnection(user.id, ends);

    expect(await sendReauthWarnings(NOW)).toBe(1);
    const [warning] = mailTo(user.email);
    const alias = `Account ${id.slice(0, 4)}`;
    expect(warning!.subject).toBe("Sandbox Bank needs you to reconnect soon");
    expect(warning!.text).toContain(`${alias} (Sandbox Bank)`);
    expect(warning!.text).toContain(formatEmailTime(ends.toISOString(), "Asia/Tokyo"));
    expect(formatEmailTime(ends.toISOString(), "Asia/Tokyo")).not.toBe(formatEmailTime(ends.toISOString()));
    expect(warning!.text).toContain(`${getEnv().APP_URL}/connections`);
    expect(warning!.text).toContain(`${getEnv().APP_URL}/activity`);
  });

  test("past its deadline it starts no warning, and the limit holds the rest back; both wait unmarked for the next sweep", async () => {
    const user = await createTestUser();
    const first = await insertActiveConnection(user.id, at(2 * HOUR));
    const second = await insertActiveConnection(user.id, at(2 * HOUR));

    expect(await sendReauthWarnings(NOW, 500, performance.now() - 1)).toBe(0);
    expect([await warnedAt(first), await warnedAt(second)]).toEqual([null, null]);
    expect(await sendReauthWarnings(NOW, 1)).toBe(1);
    expect([await warnedAt(first), await warnedAt(second)].filter(Boolean)).toHaveLength(1);
    expect(await sendReauthWarnings(NOW, 1)).toBe(1);
    expect(mailTo(user.email)).toHaveLength(2);
  });

  test("one email per connection and consent end: a repeat is recognised by its key, a new end gets its own", async () => {
    const user = await createTestUser();
    const db = await getDb();
    const id = await insertActiveConnection(user.id, at(3 * HOUR));
    await insertActiveConnection(user.id, at(3 * HOUR)); // another connection, the same end
    const unmark = () => db.update(providerConnections).set({ reauthWarningSentAt: null }).where(eq(providerConnections.id, id));
    const keys = () => mailTo(user.email).map((m) => m.headers["x-ledgerlink-event-id"]);

    await sendReauthWarnings(NOW);
    const [firstKey, otherKey] = keys();
    for (const key of [firstKey, otherKey]) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(firstKey).not.toBe(otherKey);

    // The same connection and end (the mark lost, say): the delivery record already has it.
    await unmark();
    await sendReauthWarnings(NOW);
    expect(keys()).toHaveLength(2);

    // The consent was renewed and ends later: a new warning, with a new key.
    await db.update(providerConnections).set({ refreshTokenExpiresAt: at(4 * HOUR) }).where(eq(providerConnections.id, id));
    await unmark();
    await sendReauthWarnings(NOW);
    expect(keys()).toHaveLength(3);
    expect(new Set(keys()).size).toBe(3);
  });
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
