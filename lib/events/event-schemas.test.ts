/**
 * The schemas are built when the module loads. Each test loads its own instance of the module
 * (a distinct `?instance=` import; its dependencies stay shared), so a schema broken at load
 * time fails the tests rather than the file's import, and per-test coverage in a mutation run
 * counts these tests as covering the schema definitions (README, "Mutation testing").
 */
import { describe, expect, it } from "vitest";

// Also imported statically: `vitest --related` (how mutation runs pick test files) follows
// static imports only.
import "./event-schemas";

let instances = 0;
function load() {
  instances += 1;
  return import(/* @vite-ignore */ `./event-schemas.ts?instance=${instances}`) as Promise<typeof import("./event-schemas")>;
}

/** An outbox payload as the recovery pass reads it back: plain JSON. */
const CONNECTION_ID = "0b9a4b0e-6c1e-4a53-9d5e-2f3f3b1b2c4d";
const envelope = {
  eventId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f",
  occurredAt: "2026-12-01T10:00:00.000Z",
  correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e60",
  actor: { type: "user", userId: "user-1" },
  ipAddress: "203.0.113.9",
  userAgent: "curl/8.5",
  requestId: "req-1",
};
const provider = { userId: "user-1", providerId: "acme-bank", providerSlug: "acme-bank" };
const connection = { ...provider, connectionId: CONNECTION_ID };

describe("parseEvent (outbox payloads read back)", () => {
  it("reads a payload of each of the nine types back as that type", async () => {
    const { parseEvent } = await load();
    const payloads = [
      { type: "ProviderConnectionAttempted", ...provider },
      { type: "ProviderConnectionSucceeded", ...connection },
      { type: "ProviderConnectionFailed", ...provider, reason: "user_cancelled" },
      { type: "ProviderDisconnectionAttempted", ...connection },
      { type: "ProviderDisconnectionSucceeded", ...connection, revocationOutcome: "revoked" },
      { type: "ProviderDisconnectionFailed", ...connection, reason: "connection_not_found" },
      { type: "ProviderTokenRefreshAttempted", ...connection },
      { type: "ProviderTokenRefreshSucceeded", ...connection },
      { type: "ProviderTokenRefreshFailed", ...connection, reason: "provider_revoked", needsUserAction: true },
    ].map((fields) => ({ ...envelope, ...fields }));
    for (const payload of payloads) expect(parseEvent(payload), payload.type).toEqual(payload);
  });

  it("tells the types apart by `type`, and refuses an unknown or missing one", async () => {
    const { parseEvent } = await load();
    // An Attempted connection has no connection id yet: read as Succeeded, it is refused.
    expect(() => parseEvent({ ...envelope, type: "ProviderConnectionSucceeded", ...provider })).toThrow();
    expect(() => parseEvent({ ...envelope, type: "ProviderExploded", ...connection })).toThrow();
    expect(() => parseEvent({ ...envelope, ...connection })).toThrow();
  });

  it("refuses a malformed envelope: ids, time, header-derived text beyond its bounds", async () => {
    const { parseEvent } = await load();
    const at = (overrides: Record<string, unknown>) => () =>
      parseEvent({ ...envelope, type: "ProviderConnectionAttempted", ...provider, ...overrides });
    expect(at({ ipAddress: "1".repeat(100), userAgent: "a".repeat(1_000) })).not.toThrow();
    expect(at({ ipAddress: null, userAgent: null })).not.toThrow();
    for (const bad of [
      { ipAddress: "1".repeat(101) },
      { userAgent: "a".repeat(1_001) },
      { eventId: "not-a-uuid" },
      { correlationId: "not-a-uuid" },
      { occurredAt: "yesterday" },
      { userId: "" },
      { userId: "u".repeat(201) },
    ]) {
      expect(at(bad), Object.keys(bad)[0]).toThrow();
    }
  });

  it("keeps the declared fields of each type, and only those", async () => {
    const { parseEvent } = await load();
    expect(parseEvent({ ...envelope, type: "ProviderConnectionAttempted", ...provider })).toEqual({
      ...envelope,
      type: "ProviderConnectionAttempted",
      ...provider,
    });
    expect(parseEvent({ ...envelope, type: "ProviderConnectionSucceeded", ...connection })).toEqual({
      ...envelope,
      type: "ProviderConnectionSucceeded",
      ...connection,
    });
  });

  it("drops an undeclared field, such as a token, from a payload", async () => {
    const { parseEvent } = await load();
    const parsed = parseEvent({ ...envelope, type: "ProviderTokenRefreshSucceeded", ...connection, accessToken: "at-secret" });
    expect(JSON.stringify(parsed)).not.toContain("at-secret");
    expect(parsed).not.toHaveProperty("accessToken");
  });

  it("refuses a payload missing a declared field", async () => {
    const { parseEvent } = await load();
    for (const missing of ["userId", "providerId", "providerSlug", "connectionId"] as const) {
      const payload: Record<string, unknown> = { ...envelope, type: "ProviderTokenRefreshSucceeded", ...connection };
      delete payload[missing];
      expect(() => parseEvent(payload), missing).toThrow();
    }
    expect(() => parseEvent({ ...envelope, type: "ProviderTokenRefreshFailed", ...connection, reason: "network_error" })).toThrow();
  });

  it("records every revocation outcome of a disconnection, and refuses any other", async () => {
    const { parseEvent } = await load();
    for (const revocationOutcome of ["revoked", "unsupported", "failed", "no_credentials"]) {
      const parsed = parseEvent({ ...envelope, type: "ProviderDisconnectionSucceeded", ...connection, revocationOutcome });
      expect(parsed).toMatchObject({ revocationOutcome });
    }
    const withoutOutcome = parseEvent({ ...envelope, type: "ProviderDisconnectionSucceeded", ...connection });
    expect(withoutOutcome).not.toHaveProperty("revocationOutcome");
    expect(() =>
      parseEvent({ ...envelope, type: "ProviderDisconnectionSucceeded", ...connection, revocationOutcome: "maybe" }),
    ).toThrow();
  });

  it("keeps a request id of up to 200 characters and refuses a longer one", async () => {
    const { parseEvent } = await load();
    const at = (requestId: unknown) => parseEvent({ ...envelope, type: "ProviderConnectionAttempted", ...provider, requestId });
    expect(at("r").requestId).toBe("r");
    expect(at("r".repeat(200)).requestId).toHaveLength(200);
    expect(at(null).requestId).toBeNull();
    expect(() => at("r".repeat(201))).toThrow();
    // Payloads written before the request id existed have none.
    const { requestId: _omitted, ...older } = envelope;
    expect(parseEvent({ ...older, type: "ProviderConnectionAttempted", ...provider }).requestId).toBeNull();
  });

  it("reads the system actor and refuses an unknown actor type", async () => {
    const { parseEvent } = await load();
    expect(parseEvent({ ...envelope, actor: { type: "system" }, type: "ProviderConnectionAttempted", ...provider }).actor).toEqual({
      type: "system",
    });
    expect(() => parseEvent({ ...envelope, actor: { type: "admin" }, type: "ProviderConnectionAttempted", ...provider })).toThrow();
    expect(() => parseEvent({ ...envelope, actor: { type: "user" }, type: "ProviderConnectionAttempted", ...provider })).toThrow();
    expect(parseEvent({ ...envelope, type: "ProviderConnectionAttempted", ...provider }).actor).toEqual({ type: "user", userId: "user-1" });
  });

  it("lower-cases ids so the same id always compares the same way", async () => {
    const { parseEvent } = await load();
    const parsed = parseEvent({
      ...envelope,
      eventId: envelope.eventId.toUpperCase(),
      type: "ProviderConnectionSucceeded",
      ...connection,
      connectionId: CONNECTION_ID.toUpperCase(),
    });
    expect(parsed.eventId).toBe(envelope.eventId);
    expect((parsed as { connectionId: string }).connectionId).toBe(CONNECTION_ID);
  });

  it("freezes the event and its actor", async () => {
    const { parseEvent } = await load();
    const parsed = parseEvent({ ...envelope, type: "ProviderConnectionAttempted", ...provider });
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.actor)).toBe(true);
  });
});

describe("provider keys (lower kebab case, whole value)", () => {
  /** The issues of a connection attempt's fields with this slug as provider id and slug. */
  const issues = async (slug: string) => {
    const { FIELD_SCHEMAS } = await load();
    const result = FIELD_SCHEMAS.ProviderConnectionAttempted.safeParse({ userId: "u", providerId: slug, providerSlug: slug });
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };

  it("accepts lower-case words and digits joined by single hyphens", async () => {
    for (const slug of ["acme", "acme-bank", "acme-big-bank-2", "b2b"]) expect(await issues(slug), slug).toEqual([]);
  });

  it("refuses anything else anywhere in the value, naming the rule", async () => {
    for (const slug of ["Acme-bank", "acme-Bank", "acme-bank!", "!acme", "acme_bank", "acme bank", "-acme", "acme-", "acme--bank", ""]) {
      expect(await issues(slug), JSON.stringify(slug)).toContain("providerId: a provider slug (lower kebab case)");
    }
  });

  it("is at most 100 characters", async () => {
    expect(await issues("a".repeat(100))).toEqual([]);
    expect(await issues("a".repeat(101))).toEqual(expect.arrayContaining([expect.stringMatching(/^providerId: /)]));
  });
});
