/**
 * emitCollapsed against a real database: the first rejected request of a window is emitted in
 * full and says so; the others are counted and say they were not; counting that fails records
 * the request in full rather than lose it.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";

import { getDb } from "../db/client";
import { auditLogs } from "../db/schema";
import { captureLogs, type LogCapture } from "@/test/support/log-capture";
import { sampleEvents } from "@/test/support/sample-events";
import { createTestUser } from "@/test/support/test-users";
import { emitCollapsed } from "./emit-collapsed";

let logs: LogCapture | undefined;
afterEach(() => {
  logs?.restore();
  logs = undefined;
});

const audited = async (eventId: string) => (await (await getDb()).select().from(auditLogs).where(eq(auditLogs.eventId, eventId))).length;

describe("emitCollapsed", () => {
  it("emits the first of a window and answers true; the next ones are only counted and answer false", async () => {
    const user = await createTestUser();
    const now = new Date();
    const request = () => {
      const events = sampleEvents({ userId: user.id });
      return [events[3], events[5]]; // a disconnect attempted, and refused
    };
    const first = request();
    expect(await emitCollapsed(user.id, first, now)).toBe(true);
    expect([await audited(first[0]!.eventId), await audited(first[1]!.eventId)]).toEqual([1, 1]);

    const second = request();
    expect(await emitCollapsed(user.id, second, now)).toBe(false);
    expect([await audited(second[0]!.eventId), await audited(second[1]!.eventId)]).toEqual([0, 0]);
  });

  it("has nothing to emit for no events", async () => {
    const user = await createTestUser();
    expect(await emitCollapsed(user.id, [])).toBe(false);
  });

  it("records the request in full, and says why in the log, when it cannot be counted", async () => {
    logs = captureLogs();
    const user = await createTestUser();
    const [attempted] = sampleEvents({ userId: user.id });
    // A key the database refuses (text cannot hold a NUL byte): the count fails.
    expect(await emitCollapsed("unstorable\u0000key", [attempted])).toBe(true);
    expect(await audited(attempted.eventId)).toBe(1);
    expect(logs.lines.find((l) => l.msg === "could not count a collapsed request; recording it in full")).toMatchObject({
      level: 50,
      action: "provider_connection_attempted",
    });
  });
});
