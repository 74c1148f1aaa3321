import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { setLoggerForTesting } from "@/test/support/swap-singletons";
import { sampleEvents } from "@/test/support/sample-events";
import { eventLogLine, loggingHandler } from "./logging-handler";

let lines: Record<string, unknown>[];

beforeEach(() => {
  lines = [];
  setLoggerForTesting(pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
});
afterEach(() => setLoggerForTesting(undefined));

describe("the logging handler", () => {
  it("writes one line per event: info for Attempted and Succeeded, warn for Failed", async () => {
    const events = sampleEvents({ userId: "user-7" }, { ipAddress: "203.0.113.5", userAgent: "curl/8.5" });
    for (const event of events) await loggingHandler.handle(event);

    expect(lines).toHaveLength(9);
    lines.forEach((line, i) => {
      const event = events[i]!;
      expect(line).toMatchObject({
        msg: event.type,
        event: event.type,
        eventId: event.eventId,
        correlationId: event.correlationId,
        userId: "user-7",
        providerId: "sandbox-bank",
        providerSlug: "sandbox-bank",
        ipAddress: "203.0.113.5",
        userAgent: "curl/8.5",
        actorType: "system",
        level: event.type.endsWith("Failed") ? 40 : 30,
      });
    });
    expect(lines[2]).toMatchObject({ outcome: "failed", workflow: "connect", reason: "user_cancelled" });
    expect(lines[8]).toMatchObject({ outcome: "failed", workflow: "refresh", reason: "refresh_token_expired", needsUserAction: true });
    expect(lines[4]).toMatchObject({ outcome: "succeeded", workflow: "disconnect", connectionId: events[4]!.connectionId });
  });
});

describe("the log line's actor", () => {
  it("names the user who acted, and no user for the system", () => {
    const [byUser] = sampleEvents({ userId: "owner-1" }, { actor: { type: "user", userId: "actor-9" } });
    const [bySystem] = sampleEvents({ userId: "owner-1" });
    expect(eventLogLine(byUser)).toMatchObject({ actorType: "user", actorUserId: "actor-9", userId: "owner-1" });
    expect(eventLogLine(bySystem)).toMatchObject({ actorType: "system", actorUserId: null });
  });
});
