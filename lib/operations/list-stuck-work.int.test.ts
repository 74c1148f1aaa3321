import { randomUUID } from "node:crypto";

import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestUser } from "@/test/support/test-users";

import { getDb } from "../db/client";
import { emailDeliveries, eventHandlerRuns, eventOutbox, providerConnections, users } from "../db/schema";
import { listStuckWork, STUCK_PENDING_MS } from "./list-stuck-work";

// The database is shared with every other test file: this file's rows are told apart by id, and
// dated a year ahead so they are the newest (the list is newest first, and limited). Nothing here
// is due: recovery passes in other files leave these rows alone.
const now = new Date();
const ahead = (minutes: number) => new Date(now.getTime() + 365 * 86_400_000 + minutes * 60_000);
const eventId = randomUUID();
const email = (status: "pending" | "sent" | "retrying" | "failed", minutes: number) => ({
  id: randomUUID(),
  eventId: randomUUID(),
  template: "provider-connected",
  userId: null,
  messageId: `<${randomUUID()}@ledgerlink.test>`,
  toAddress: "stuck@example.test",
  subject: `Stuck ${status}`,
  html: "<p>body</p>",
  text: "body",
  status,
  attempts: status === "sent" ? 1 : 3,
  lastError: status === "failed" ? "451 busy" : null,
  nextAttemptAt: status === "retrying" ? ahead(30) : null,
  updatedAt: ahead(minutes),
});
const emails = [email("retrying", 2), email("failed", 1), email("sent", 3), email("pending", 4)];
const runs = [
  { eventId, handler: "email", status: "retrying" as const, attempts: 2, lastError: "timeout", nextAttemptAt: ahead(30), updatedAt: ahead(2) },
  { eventId, handler: "audit", status: "dead" as const, attempts: 5, lastError: "refused", nextAttemptAt: null, updatedAt: ahead(1) },
  { eventId, handler: "logging", status: "succeeded" as const, attempts: 1, lastError: null, nextAttemptAt: null, updatedAt: ahead(3) },
];
let userId: string;
const connection = (minutesAgo: number, status: "pending" | "active") => ({
  id: randomUUID(),
  providerSlug: "sandbox-bank",
  alias: `stuck ${minutesAgo} ${status}`,
  status,
  createdAt: new Date(now.getTime() - minutesAgo * 60_000),
});
const connections = [connection(20, "pending"), connection(30, "pending"), connection(5, "pending"), connection(40, "active")];

beforeAll(async () => {
  userId = (await createTestUser()).id;
  const db = await getDb();
  await db.insert(emailDeliveries).values(emails);
  await db.insert(eventOutbox).values({ eventId, type: "ProviderConnectionSucceeded", payload: {}, deadAt: now });
  await db.insert(eventHandlerRuns).values(runs);
  await db.insert(providerConnections).values(connections.map((c) => ({ ...c, userId })));
});
afterAll(async () => {
  const db = await getDb();
  await db.delete(emailDeliveries).where(inArray(emailDeliveries.id, emails.map((e) => e.id)));
  await db.delete(eventHandlerRuns).where(eq(eventHandlerRuns.eventId, eventId));
  await db.delete(eventOutbox).where(eq(eventOutbox.eventId, eventId));
  await db.delete(users).where(eq(users.id, userId)); // its connections go with it
});

describe("the stuck work /admin/operations lists", () => {
  it("lists emails retrying or failed and handler runs retrying or dead, newest change first, with where each stands", async () => {
    const work = await listStuckWork({ now });
    const [retrying, failed] = emails;
    expect(work.emails.filter((e) => emails.some((mine) => mine.id === e.id))).toEqual(
      [retrying!, failed!].map((e) => ({
        id: e.id,
        template: e.template,
        subject: e.subject,
        status: e.status,
        attempts: e.attempts,
        lastError: e.lastError,
        nextAttemptAt: e.nextAttemptAt,
        updatedAt: e.updatedAt,
      })),
    );
    expect(work.handlerRuns.filter((r) => r.eventId === eventId)).toEqual(
      runs.slice(0, 2).map((r) => ({
        eventId,
        handler: r.handler,
        eventType: "ProviderConnectionSucceeded",
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        nextAttemptAt: r.nextAttemptAt,
        updatedAt: r.updatedAt,
      })),
    );
  });

  it(`lists connections pending for more than ${STUCK_PENDING_MS / 60_000} minutes, newest first`, async () => {
    const work = await listStuckWork({ now });
    const [twenty, thirty] = connections;
    expect(work.pending.filter((c) => connections.some((mine) => mine.id === c.id))).toEqual(
      [twenty!, thirty!].map((c) => ({ id: c.id, providerSlug: c.providerSlug, userId, createdAt: c.createdAt })),
    );
  });

  it("keeps each list to the limit", async () => {
    const work = await listStuckWork({ now, limit: 1 });
    expect(work.emails.map((e) => e.id)).toEqual([emails[0]!.id]);
    expect(work.handlerRuns.map((r) => [r.eventId, r.handler])).toEqual([[eventId, "email"]]);
    expect(work.pending).toHaveLength(1);
  });
});
