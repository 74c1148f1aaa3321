/**
 * The run store (handler-run-store.ts) against a real database: which dispatch outcomes leave
 * `event_handler_runs` rows, what the outbox row becomes, and an event that is not in the outbox.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { getDb } from "../db/client";
import { eventHandlerRuns, eventOutbox } from "../db/schema";
import { sampleEvents } from "@/test/support/sample-events";
import type { HandlerRunRecord, OutboxUpdate } from "./dispatcher";
import { recordEvent } from "./emit";
import { databaseRunStore } from "./handler-run-store";

const at = new Date("2026-06-01T12:00:00.000Z");
const later = new Date("2026-06-01T12:05:00.000Z");
const processed: OutboxUpdate = { processedAt: at, deadAt: null, nextAttemptAt: null };

const succeeded = (handler: string, attempts: number): HandlerRunRecord => ({ handler, status: "succeeded", attempts, lastError: null, nextAttemptAt: null });

async function recordedEvent() {
  const event = sampleEvents()[7]; // a refresh that succeeded: logging and audit receive it
  await recordEvent(await getDb(), event);
  return event;
}

async function stateOf(eventId: string) {
  const db = await getDb();
  const [outbox] = await db.select().from(eventOutbox).where(eq(eventOutbox.eventId, eventId));
  const runs = await db.select().from(eventHandlerRuns).where(eq(eventHandlerRuns.eventId, eventId)).orderBy(eventHandlerRuns.handler);
  return { outbox: outbox!, runs: runs.map((r) => ({ handler: r.handler, status: r.status, attempts: r.attempts, lastError: r.lastError, updatedAt: r.updatedAt })) };
}

describe("the run store", () => {
  it("a dispatch where every handler succeeded on its first try marks the outbox processed and writes no run rows", async () => {
    const event = await recordedEvent();
    await databaseRunStore.save(event, [succeeded("logging", 1), succeeded("audit", 1)], processed);
    expect(await stateOf(event.eventId)).toMatchObject({ outbox: { processedAt: at, deadAt: null, nextAttemptAt: null }, runs: [] });
  });

  it("a success on a later try keeps every run of that dispatch, the first-try ones too", async () => {
    const event = await recordedEvent();
    await databaseRunStore.save(event, [succeeded("logging", 1), succeeded("audit", 2)], processed);
    expect((await stateOf(event.eventId)).runs).toEqual([
      { handler: "audit", status: "succeeded", attempts: 2, lastError: null, updatedAt: at },
      { handler: "logging", status: "succeeded", attempts: 1, lastError: null, updatedAt: at },
    ]);
  });

  it("first-try successes of an event that is not finished are kept, so the recovery pass skips them", async () => {
    const event = await recordedEvent();
    await databaseRunStore.save(event, [succeeded("logging", 1)], { processedAt: null, deadAt: null, nextAttemptAt: later });
    const state = await stateOf(event.eventId);
    expect(state.outbox).toMatchObject({ processedAt: null, deadAt: null, nextAttemptAt: later });
    expect(state.runs).toMatchObject([{ handler: "logging", status: "succeeded", attempts: 1 }]);
  });

  it("a dead event's runs are dated when it died; a later clean dispatch brings existing rows up to date", async () => {
    const event = await recordedEvent();
    const dead: HandlerRunRecord = { handler: "audit", status: "dead", attempts: 5, lastError: "Error: down", nextAttemptAt: null };
    await databaseRunStore.save(event, [dead], { processedAt: null, deadAt: later, nextAttemptAt: null });
    expect(await stateOf(event.eventId)).toMatchObject({
      outbox: { processedAt: null, deadAt: later },
      runs: [{ handler: "audit", status: "dead", attempts: 5, lastError: "Error: down", updatedAt: later }],
    });

    // An admin's replay: the handler now succeeds at once; its row is updated, none is added.
    await databaseRunStore.save(event, [succeeded("audit", 1), succeeded("logging", 1)], processed);
    expect(await stateOf(event.eventId)).toMatchObject({
      outbox: { processedAt: at, deadAt: null },
      runs: [{ handler: "audit", status: "succeeded", attempts: 1, lastError: null, updatedAt: at }],
    });
  });

  it("refuses, naming it, an event that is not in the outbox", async () => {
    const [, , , , , , , event] = sampleEvents();
    await expect(databaseRunStore.save(event, [succeeded("audit", 1)], processed)).rejects.toThrow(
      `event ${event.eventId} is not in the outbox: its handler runs cannot be recorded`,
    );
  });
});
