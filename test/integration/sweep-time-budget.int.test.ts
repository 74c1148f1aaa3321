/**
 * The sweep's time budget covers every phase (issue 11 item 10): with an SMTP server that
 * accepts connections and never answers, reconnect warnings and email retries stop at the
 * deadline instead of pushing the cron past its maxDuration.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";

import { afterAll, beforeAll, expect, test } from "vitest";

import { runRefreshSweep } from "@/lib/connections/refresh-sweep";
import { getDb } from "@/lib/db/client";
import { emailDeliveries, providerConnections } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { resetSmtpTransportForTesting } from "@/test/support/swap-singletons";
import { createTestUser } from "@/test/support/test-users";

let blackhole: Server;
const sockets = new Set<Socket>();
let previousSmtp: string | undefined;

beforeAll(async () => {
  // Accepts, keeps the socket open, never sends a greeting.
  blackhole = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
  const { port } = blackhole.address() as { port: number };
  previousSmtp = process.env.SMTP_URL;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  if (getEnv().SMTP_URL !== process.env.SMTP_URL) throw new Error("the environment was read before SMTP_URL could be set");
  resetSmtpTransportForTesting();
});
afterAll(async () => {
  resetSmtpTransportForTesting();
  if (previousSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = previousSmtp;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => blackhole.close(() => resolve()));
});

test("a blackholed SMTP server: the sweep returns within its budget plus one send's timeout", async () => {
  const db = await getDb();
  const user = await createTestUser();
  const now = new Date();
  // Three connections due a reconnect warning, six emails due a retry: unbounded, that is
  // nine sends of at least the 5 s greeting timeout each.
  for (let i = 0; i < 3; i += 1) {
    await db.insert(providerConnections).values({
      id: randomUUID(),
      userId: user.id,
      providerSlug: "sandbox-bank",
      alias: `warn-${i}`,
      status: "active",
      refreshTokenExpiresAt: new Date(now.getTime() + 3600_000),
    });
  }
  for (let i = 0; i < 6; i += 1) {
    await db.insert(emailDeliveries).values({
      id: randomUUID(),
      eventId: randomUUID(),
      template: "connected",
      userId: user.id,
      toAddress: user.email,
      subject: "retry me",
      messageId: `<${randomUUID()}@test>`,
      html: "<p>hi</p>",
      text: "hi",
      status: "retrying",
      attempts: 1,
      nextAttemptAt: new Date(now.getTime() - 1000),
    });
  }

  const budgetMs = 1_500;
  const started = performance.now();
  const summary = await runRefreshSweep({ budgetMs, now });
  const took = performance.now() - started;

  // Budget + one SMTP send cut off by its own timeouts (greeting 5 s), with room for a slow machine.
  expect(took).toBeLessThan(budgetMs + 5_000 + 4_000);
  const sends = summary.reauthWarnings + (summary.recovery?.emailRetries ?? 0);
  expect(sends).toBeLessThan(9);
});
