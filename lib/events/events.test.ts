import { describe, expect, it } from "vitest";

import { runWithRequestContext } from "../request-context";
import { sampleEvents } from "@/test/support/sample-events";
import { createEvent } from "./create-event";
import { EVENT_CATALOG, EVENT_TYPES } from "./event-catalog";
import { parseEvent } from "./event-schemas";
import { CONNECTION_FAILURE_REASONS, DISCONNECTION_FAILURE_REASONS, REFRESH_FAILURE_REASONS, reasonText } from "../failure-reasons";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const connection = {
  userId: "user-1",
  providerId: "acme-bank",
  providerSlug: "acme-bank",
  connectionId: "0b9a4b0e-6c1e-4a53-9d5e-2f3f3b1b2c4d",
};

describe("the nine events", () => {
  it("are exactly DESIGN.md §1's, with their audit actions", () => {
    expect(Object.fromEntries(EVENT_TYPES.map((t) => [t, EVENT_CATALOG[t].auditAction]))).toEqual({
      ProviderConnectionAttempted: "provider_connection_attempted",
      ProviderConnectionSucceeded: "provider_connected",
      ProviderConnectionFailed: "provider_connection_failed",
      ProviderDisconnectionAttempted: "provider_disconnection_attempted",
      ProviderDisconnectionSucceeded: "provider_disconnected",
      ProviderDisconnectionFailed: "provider_disconnection_failed",
      ProviderTokenRefreshAttempted: "provider_token_refresh_attempted",
      ProviderTokenRefreshSucceeded: "provider_token_refreshed",
      ProviderTokenRefreshFailed: "provider_token_refresh_failed",
    });
  });

  it("have the fixed reason vocabularies", () => {
    expect(CONNECTION_FAILURE_REASONS).toEqual([
      "user_cancelled", "oauth_error", "invalid_state", "invalid_credentials", "provider_unavailable", "rate_limited",
    ]);
    expect(DISCONNECTION_FAILURE_REASONS).toEqual(["connection_not_found", "database_error"]);
    expect(REFRESH_FAILURE_REASONS).toEqual([
      "refresh_token_expired", "provider_revoked", "invalid_credentials", "provider_unavailable", "network_error", "rate_limited",
    ]);
  });

  it("give every reason a friendly text, and a generic one to unknown strings", () => {
    for (const reason of [...CONNECTION_FAILURE_REASONS, ...DISCONNECTION_FAILURE_REASONS, ...REFRESH_FAILURE_REASONS]) {
      expect(reasonText(reason)).toMatch(/^[A-Z].+\.$/);
      expect(reasonText(reason)).not.toContain("_");
    }
    expect(reasonText("<script>alert(1)</script>")).toBe("Something went wrong. Please try again.");
  });
});

describe("createEvent", () => {
  it("fills the envelope: UUID v7 id, UTC time, a new correlation id, system actor outside a request", () => {
    const before = Date.now();
    const event = createEvent("ProviderTokenRefreshSucceeded", connection);
    expect(event).toMatchObject({ type: "ProviderTokenRefreshSucceeded", ...connection, actor: { type: "system" } });
    expect(event.eventId).toMatch(UUID_V7);
    expect(event.correlationId).toMatch(UUID_V7);
    expect(event.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before);
    expect([event.ipAddress, event.userAgent, event.requestId]).toEqual([null, null, null]);
  });

  it("takes IP, user agent, actor, request id and correlation id from the request context", () => {
    const event = runWithRequestContext(
      {
        requestId: "req-1",
        correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f",
        ipAddress: "203.0.113.9",
        userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        actor: { type: "user", userId: "user-1" },
      },
      () => createEvent("ProviderDisconnectionAttempted", connection),
    );
    expect(event).toMatchObject({
      requestId: "req-1",
      correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f",
      ipAddress: "203.0.113.9",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
      actor: { type: "user", userId: "user-1" },
    });
  });

  it("never mixes up the context of concurrent requests", async () => {
    const inRequest = (n: number) =>
      runWithRequestContext({ requestId: `req-${n}`, ipAddress: `192.0.2.${n}`, actor: { type: "user", userId: `user-${n}` } }, async () => {
        await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
        return createEvent("ProviderConnectionAttempted", { userId: `user-${n}`, providerId: "acme-bank", providerSlug: "acme-bank" });
      });
    const events = await Promise.all(Array.from({ length: 20 }, (_, n) => inRequest(n)));
    events.forEach((event, n) => {
      expect(event).toMatchObject({ requestId: `req-${n}`, ipAddress: `192.0.2.${n}`, actor: { userId: `user-${n}` } });
    });
  });

  it("lets explicit options win over the context, and keeps a given correlation id (lower-cased)", () => {
    const event = runWithRequestContext({ ipAddress: "203.0.113.9" }, () =>
      createEvent("ProviderConnectionSucceeded", connection, {
        correlationId: "0192F0C5-3C8E-7C4A-9E5B-0A1B2C3D4E5F",
        actor: { type: "system" },
        ipAddress: null,
      }),
    );
    expect(event.correlationId).toBe("0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f");
    expect(event.ipAddress).toBeNull();
    expect(event.actor).toEqual({ type: "system" });
  });

  it("is immutable", () => {
    const event = createEvent("ProviderTokenRefreshFailed", { ...connection, reason: "provider_revoked", needsUserAction: true });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.actor)).toBe(true);
    expect(() => {
      (event as { reason: string }).reason = "network_error";
    }).toThrow(TypeError);
  });

  it("drops fields the event does not declare, so a credential passed by mistake never gets in", () => {
    const fields = { ...connection, accessToken: "at-very-secret", code: "auth-code-secret" };
    const event = createEvent("ProviderConnectionSucceeded", fields);
    expect(JSON.stringify(event)).not.toMatch(/secret/);
    expect(Object.keys(event).sort()).toEqual(
      ["actor", "connectionId", "correlationId", "eventId", "ipAddress", "occurredAt", "providerId", "providerSlug", "requestId", "type", "userAgent", "userId"],
    );
  });

  it("refuses invalid fields without echoing their values", () => {
    expect(() =>
      createEvent("ProviderConnectionFailed", { userId: "u", providerId: "acme-bank", providerSlug: "acme-bank", reason: "sk_live_secret" as "oauth_error" }),
    ).toThrow(/ProviderConnectionFailed: invalid fields: reason/);
    try {
      createEvent("ProviderConnectionFailed", { userId: "u", providerId: "acme-bank", providerSlug: "acme-bank", reason: "sk_live_secret" as "oauth_error" });
    } catch (error) {
      expect(String(error)).not.toContain("sk_live_secret");
    }
    expect(() => createEvent("ProviderTokenRefreshSucceeded", { ...connection, connectionId: "not-a-uuid" })).toThrow(TypeError);
    expect(() => createEvent("ProviderTokenRefreshSucceeded", connection, { correlationId: "nope" })).toThrow(/correlationId/);
  });

  it("strips control characters from header-derived values", () => {
    const event = createEvent("ProviderConnectionAttempted", { userId: "u", providerId: "acme-bank", providerSlug: "acme-bank" }, {
      userAgent: "Mozilla\u0000/5.0\r\nInjected: yes",
      ipAddress: "  ",
    });
    expect(event.userAgent).toBe("Mozilla/5.0Injected: yes");
    expect(event.ipAddress).toBeNull();
  });
});

describe("createEvent's checks, precisely", () => {
  const target = { userId: "u", providerId: "acme-bank", providerSlug: "acme-bank" };

  it("refuses an invalid actor, naming the path but not the value", () => {
    const bad = () => createEvent("ProviderConnectionAttempted", target, { actor: { type: "user", userId: 7 as unknown as string } });
    expect(bad).toThrow(TypeError);
    expect(bad).toThrow(/^ProviderConnectionAttempted: invalid actor: userId: /);
  });

  it("joins nested paths with dots, several issues with semicolons, and names the root", () => {
    const many = () => createEvent("ProviderConnectionFailed", { userId: 1, providerId: 2, providerSlug: "acme-bank", reason: "x" } as never);
    expect(many).toThrow(/invalid fields: (\w+: [^;]+; ){2,}\w+: /);
    expect(() => createEvent("ProviderConnectionAttempted", target, { actor: "root" as never })).toThrow(/invalid actor: \(root\): /);
  });

  it("bounds header-derived text: 100 characters of IP, 1,000 of user agent", () => {
    const event = createEvent("ProviderConnectionAttempted", target, { ipAddress: "1".repeat(150), userAgent: "a".repeat(1_500) });
    expect(event.ipAddress).toHaveLength(100);
    expect(event.userAgent).toHaveLength(1_000);
  });
});

describe("parseEvent", () => {
  it("freezes the nested actor too", () => {
    const [event] = sampleEvents({}, { actor: { type: "user", userId: "user-1" } });
    const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
    expect(Object.isFrozen(parsed.actor)).toBe(true);
    expect(() => {
      (parsed.actor as { userId: string }).userId = "someone-else";
    }).toThrow(TypeError);
  });

  it("reads every event type back from its JSON form, frozen", () => {
    for (const event of sampleEvents({}, { ipAddress: "198.51.100.1", userAgent: "curl/8.0" })) {
      const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
      expect(parsed).toEqual(event);
      expect(Object.isFrozen(parsed)).toBe(true);
    }
  });

  it("refuses a payload that is not a valid event", () => {
    const [event] = sampleEvents();
    expect(() => parseEvent({ ...event, type: "ProviderExploded" })).toThrow();
    expect(() => parseEvent({ ...event, eventId: "x" })).toThrow();
  });
});
