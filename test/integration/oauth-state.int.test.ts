/**
 * The OAuth `state` of a connect flow, store by store (lib/connections/oauth-state.ts): only
 * its hash is kept, it lives exactly 10 minutes, one request of its own user can claim it
 * once, and the sweep takes only the states that are past their lifetime.
 *
 * The states here are minted in 2001, so the sweep's `now` can sit on their exact expiry
 * without touching the states other test files keep in this shared database; and they are
 * deleted afterwards, so no other file's sweep finds them.
 */
import { randomUUID } from "node:crypto";

import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, test } from "vitest";

import {
  claimOAuthState,
  hashState,
  keepPendingGrant,
  OAUTH_STATE_TTL_SECONDS,
  releaseOAuthState,
  saveOAuthState,
  takeExpiredOAuthStates,
} from "@/lib/connections/oauth-state";
import { getDb } from "@/lib/db/client";
import { oauthStates } from "@/lib/db/schema";
import { createTestUser } from "@/test/support/test-users";

const MINTED = new Date("2001-02-03T04:05:06.000Z");
const EXPIRY = new Date(MINTED.getTime() + OAUTH_STATE_TTL_SECONDS * 1000);
const ms = (date: Date, offset: number) => new Date(date.getTime() + offset);
const ourUsers: string[] = [];

afterAll(async () => {
  if (ourUsers.length > 0) await (await getDb()).delete(oauthStates).where(inArray(oauthStates.userId, ourUsers));
});

async function testUser() {
  const user = await createTestUser();
  ourUsers.push(user.id);
  return user;
}

/** Saves a state for `userId` minted at `now`; answers the raw state and what was saved with it. */
async function savedState(userId: string, now = MINTED) {
  const input = {
    state: `state-${randomUUID()}`,
    codeVerifier: `verifier-${randomUUID()}`,
    userId,
    providerSlug: "sandbox-bank",
    connectionId: randomUUID(),
    alias: "Everyday account",
    correlationId: randomUUID(),
    now,
  };
  await saveOAuthState(await getDb(), input);
  return input;
}

async function storedState(stateHash: string) {
  const [row] = await (await getDb()).select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash));
  return row;
}

test("the lifetime is ten minutes", () => {
  expect(OAUTH_STATE_TTL_SECONDS).toBe(600);
});

describe("saveOAuthState", () => {
  test("keeps the state's SHA-256 and a sealed verifier, never the raw values, and expires 10 minutes after minting", async () => {
    const user = await testUser();
    const saved = await savedState(user.id);
    const row = await storedState(hashState(saved.state));

    expect(hashState(saved.state)).toMatch(/^[0-9a-f]{64}$/);
    expect(row).toMatchObject({
      userId: user.id,
      providerSlug: "sandbox-bank",
      connectionId: saved.connectionId,
      alias: "Everyday account",
      correlationId: saved.correlationId,
      createdAt: MINTED,
      expiresAt: EXPIRY,
      claimedAt: null,
      grantEnc: null,
    });
    expect(JSON.stringify(row)).not.toContain(saved.state);
    expect(row!.codeVerifierEnc).not.toContain(saved.codeVerifier);
  });

  test("without `now`, the state is minted at the current time", async () => {
    const user = await testUser();
    const before = Date.now();
    const state = `state-${randomUUID()}`;
    await saveOAuthState(await getDb(), {
      state,
      codeVerifier: "verifier",
      userId: user.id,
      providerSlug: "sandbox-bank",
      connectionId: randomUUID(),
      alias: "Savings",
      correlationId: randomUUID(),
    });
    const row = await storedState(hashState(state));

    expect(row!.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(row!.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(OAUTH_STATE_TTL_SECONDS * 1000);
  });
});

describe("claimOAuthState", () => {
  test("its own user claims it once and gets back what was saved, the verifier opened", async () => {
    const user = await testUser();
    const saved = await savedState(user.id);
    const db = await getDb();

    const claimed = await claimOAuthState(db, { state: saved.state, userId: user.id, now: ms(MINTED, 1000) });
    expect(claimed).toEqual({
      stateHash: hashState(saved.state),
      userId: user.id,
      providerSlug: "sandbox-bank",
      connectionId: saved.connectionId,
      alias: "Everyday account",
      correlationId: saved.correlationId,
      codeVerifier: saved.codeVerifier,
      expired: false,
    });
    expect((await storedState(hashState(saved.state)))!.claimedAt).toEqual(ms(MINTED, 1000));

    // Single use: the second request with the same state gets nothing, and the claim time stays.
    expect(await claimOAuthState(db, { state: saved.state, userId: user.id, now: ms(MINTED, 2000) })).toBeNull();
    expect((await storedState(hashState(saved.state)))!.claimedAt).toEqual(ms(MINTED, 1000));
  });

  test("someone else's request does not claim it, and its owner still can", async () => {
    const [owner, intruder] = [await testUser(), await testUser()];
    const saved = await savedState(owner.id);
    const db = await getDb();

    expect(await claimOAuthState(db, { state: saved.state, userId: intruder.id, now: ms(MINTED, 1000) })).toBeNull();
    expect((await storedState(hashState(saved.state)))!.claimedAt).toBeNull();
    expect(await claimOAuthState(db, { state: saved.state, userId: owner.id, now: ms(MINTED, 1000) })).not.toBeNull();
  });

  test("an unknown state claims nothing", async () => {
    const user = await testUser();
    expect(await claimOAuthState(await getDb(), { state: "never-issued", userId: user.id })).toBeNull();
  });

  test.each([
    ["one millisecond before its expiry", -1, false],
    ["at its expiry", 0, true],
    ["after its expiry", 1, true],
  ])("claimed %s, it is reported expired: %s", async (_when, offset, expired) => {
    const user = await testUser();
    const saved = await savedState(user.id);
    const claimed = await claimOAuthState(await getDb(), { state: saved.state, userId: user.id, now: ms(EXPIRY, offset) });
    expect(claimed?.expired).toBe(expired);
  });
});

describe("keepPendingGrant and releaseOAuthState", () => {
  test("the grant is kept sealed on its own state only, and the state is released once", async () => {
    const user = await testUser();
    const [one, other] = [await savedState(user.id), await savedState(user.id)];
    const db = await getDb();
    const grant = { field: "refresh_token" as const, token: `grant-${randomUUID()}` };

    await keepPendingGrant(db, hashState(one.state), grant);
    const kept = await storedState(hashState(one.state));
    expect(kept!.grantEnc).toEqual(expect.any(String));
    expect(kept!.grantEnc).not.toContain(grant.token);
    expect((await storedState(hashState(other.state)))!.grantEnc).toBeNull();

    expect(await db.transaction((tx) => releaseOAuthState(tx, hashState(one.state)))).toBe(true);
    expect(await storedState(hashState(one.state))).toBeUndefined();
    expect(await storedState(hashState(other.state))).toBeDefined();
    // Taken by the sweep first (or released already): false, so the callback knows it lost.
    expect(await db.transaction((tx) => releaseOAuthState(tx, hashState(one.state)))).toBe(false);
  });
});

describe("takeExpiredOAuthStates", () => {
  test("takes and deletes the states past their expiry, up to the limit, with their grants opened", async () => {
    const user = await testUser();
    const db = await getDb();
    const withGrant = await savedState(user.id, ms(MINTED, -2000));
    const plain = await savedState(user.id, ms(MINTED, -1000));
    const onTheDot = await savedState(user.id, ms(MINTED, 0)); // expires exactly at `now` below: not yet taken
    const grant = { field: "access_token" as const, token: `grant-${randomUUID()}` };
    await keepPendingGrant(db, hashState(withGrant.state), grant);
    const hashes = [withGrant, plain, onTheDot].map((s) => hashState(s.state));

    const taken = await db.transaction((tx) => takeExpiredOAuthStates(tx, { now: EXPIRY, limit: 10 }));
    const mine = taken.filter((row) => hashes.includes(row.stateHash));
    expect(mine.map((row) => row.stateHash).sort()).toEqual(hashes.slice(0, 2).sort());
    expect(mine.find((row) => row.stateHash === hashes[0])).toMatchObject({ userId: user.id, connectionId: withGrant.connectionId, grant });
    expect(mine.find((row) => row.stateHash === hashes[1])!.grant).toBeNull();

    const left = await db.select({ stateHash: oauthStates.stateHash }).from(oauthStates).where(inArray(oauthStates.stateHash, hashes));
    expect(left.map((row) => row.stateHash)).toEqual([hashes[2]]);
  });

  test("takes no more than the limit; the rest wait for the next pass", async () => {
    const user = await testUser();
    const db = await getDb();
    const minted = ms(MINTED, -3_600_000); // an hour earlier than the other tests' states
    const states = [await savedState(user.id, minted), await savedState(user.id, minted), await savedState(user.id, minted)];
    const now = ms(minted, OAUTH_STATE_TTL_SECONDS * 1000 + 1);

    const first = await db.transaction((tx) => takeExpiredOAuthStates(tx, { now, limit: 2 }));
    expect(first).toHaveLength(2);
    const second = await db.transaction((tx) => takeExpiredOAuthStates(tx, { now, limit: 2 }));
    expect(second).toHaveLength(1);
    expect([...first, ...second].map((row) => row.stateHash).sort()).toEqual(states.map((s) => hashState(s.state)).sort());
    expect(await db.transaction((tx) => takeExpiredOAuthStates(tx, { now, limit: 2 }))).toEqual([]);
  });
});
