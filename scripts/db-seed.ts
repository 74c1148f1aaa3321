/**
 * `npm run db:seed [-- --months 6 --users 8 --seed 42]`: fills the development database with
 * a believable history so /admin/audit and /activity can be tried at once — several people,
 * five providers, months of connects, scheduled and manual refreshes, transient and permanent
 * failures, reconnects, disconnects, runs that never finished, and the emails they caused
 * (mostly sent, a few retrying or failed).
 *
 * Every audit row goes through the real writer (test/support/append-workflow-run.ts →
 * appendAuditLog), so the hash chain verifies afterwards; the script checks it. Seeded
 * connections hold no tokens. Runs once per database (audit rows cannot be deleted); with the
 * embedded database, stop `npm run dev` first (PGlite allows one process per folder).
 * Sign in as any seeded address (printed at the end) to see that person's /activity; set
 * ADMIN_EMAILS to your own address to see /admin/audit.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import { eq } from "drizzle-orm";

import { appendPastRun, type PastRun } from "../test/support/append-workflow-run";
import { verifyAuditChain } from "../lib/audit/verify-chain";
import { closeDb, databaseKind, getDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { emailDeliveries, providerConnections, users, type NewProviderConnection } from "../lib/db/schema";
import { uuidv7 } from "../lib/db/uuid-v7";

const { values: args } = parseArgs({
  options: { months: { type: "string", default: "6" }, users: { type: "string", default: "8" }, seed: { type: "string", default: "42" } },
});
const MONTHS = Math.max(1, Number(args.months));
const USER_COUNT = Math.min(12, Math.max(1, Number(args.users)));

// A small deterministic PRNG (mulberry32): the same seed gives the same history.
let state = Number(args.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const chance = (p: number) => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => min + random() * (max - min);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const PEOPLE = [
  ["Ada Lovelace", "ada.lovelace"], ["Grace Hopper", "grace.hopper"], ["Katherine Johnson", "katherine.johnson"],
  ["Alan Turing", "alan.turing"], ["Margaret Hamilton", "margaret.hamilton"], ["Edsger Dijkstra", "edsger.dijkstra"],
  ["Barbara Liskov", "barbara.liskov"], ["Donald Knuth", "donald.knuth"], ["Frances Allen", "frances.allen"],
  ["John Backus", "john.backus"], ["Radia Perlman", "radia.perlman"], ["Ken Thompson", "ken.thompson"],
] as const;
const PROVIDERS = [
  { slug: "sandbox-bank", name: "Sandbox Bank", refreshEveryHours: 8 },
  { slug: "schwab", name: "Charles Schwab", refreshEveryHours: 6 },
  { slug: "acme-bank", name: "Acme Bank", refreshEveryHours: 12 },
  { slug: "globex-brokerage", name: "Globex Brokerage", refreshEveryHours: 24 },
  { slug: "initech-card", name: "Initech Card", refreshEveryHours: 12 },
] as const;
const DEVICES = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
];

interface Person {
  id: string;
  email: string;
  ips: string[];
  devices: string[];
}
type Provider = (typeof PROVIDERS)[number];
type Email = { at: Date; template: string; subject: string; userId: string; to: string; fate: "sent" | "retrying" | "failed" };

const now = Date.now() - HOUR;
const windowStart = now - MONTHS * 30 * DAY;
const runs: PastRun[] = [];
const emailsByRun = new Map<PastRun, Email>();
const connections: NewProviderConnection[] = [];

function userRun(person: Person, run: Omit<PastRun, "actor" | "userId" | "ipAddress" | "userAgent">): PastRun {
  const travelling = chance(0.05);
  return {
    ...run,
    userId: person.id,
    actor: { type: "user", userId: person.id },
    ipAddress: travelling ? `192.0.2.${Math.floor(between(2, 250))}` : pick(person.ips),
    userAgent: pick(person.devices),
  };
}

function email(run: PastRun, person: Person, template: string, subject: string) {
  const fresh = now - run.startedAt.getTime() < 2 * DAY;
  const fate = fresh && chance(0.3) ? "retrying" : chance(0.015) ? "failed" : "sent";
  emailsByRun.set(run, { at: run.startedAt, template, subject, userId: person.id, to: person.email, fate });
}

/** One connection's life: connect (perhaps after failed tries), refreshes, trouble, reconnects, perhaps a disconnect. */
function simulateConnection(person: Person, provider: Provider, alias: string) {
  const id = randomUUID();
  const p = { providerSlug: provider.slug, providerName: provider.name };
  let t = between(windowStart, now - 3 * DAY);
  while (chance(0.35)) {
    const outcome = chance(0.2) ? "attempted" : "failed";
    const reason = pick(["user_cancelled", "user_cancelled", "user_cancelled", "provider_unavailable", "rate_limited", "invalid_credentials"] as const);
    runs.push(userRun(person, { workflow: "connect", outcome, reason, ...p, startedAt: new Date(t), durationMs: between(20_000, 300_000) }));
    t += between(5 * 60_000, 2 * DAY);
  }
  const connect = (at: number) => {
    const run = userRun(person, { workflow: "connect", outcome: "succeeded", ...p, connectionId: id, startedAt: new Date(at), durationMs: between(8_000, 90_000) });
    runs.push(run);
    email(run, person, "provider-connected", `${provider.name} connected`);
  };
  connect(t);
  const row: NewProviderConnection = {
    id, userId: person.id, providerSlug: provider.slug, alias, status: "active",
    connectedAt: new Date(t), createdAt: new Date(t), updatedAt: new Date(t),
  };
  const disconnectAt = chance(0.4) ? between(t + 7 * DAY, now + 60 * DAY) : Infinity;
  for (t += provider.refreshEveryHours * HOUR; t < Math.min(now, disconnectAt); t += provider.refreshEveryHours * HOUR * between(0.8, 1.2)) {
    const manual = chance(0.04);
    const base = { workflow: "refresh" as const, ...p, connectionId: id, startedAt: new Date(t), durationMs: between(150, 2_500) };
    const refresh = (run: Omit<PastRun, "actor" | "userId" | "ipAddress" | "userAgent">) =>
      manual ? userRun(person, run) : { ...run, userId: person.id, actor: { type: "system" as const } };
    if (chance(0.025)) {
      runs.push(refresh({ ...base, outcome: "failed", reason: pick(["network_error", "provider_unavailable", "rate_limited"] as const), needsUserAction: false }));
      runs.push(refresh({ ...base, startedAt: new Date(t + between(60_000, 20 * 60_000)), outcome: "succeeded" }));
    } else if (chance(0.006)) {
      const run = refresh({ ...base, outcome: "failed", reason: pick(["refresh_token_expired", "provider_revoked"] as const), needsUserAction: true });
      runs.push(run);
      email(run, person, "reconnect-needed", `Reconnect ${provider.name}`);
      row.status = run.reason === "provider_revoked" ? "revoked" : "expired";
      row.statusReason = run.reason;
      if (chance(0.3)) return connections.push(row); // never came back
      t += between(HOUR, 10 * DAY);
      if (t >= now) return connections.push(row);
      connect(t);
      Object.assign(row, { status: "active", statusReason: null, connectedAt: new Date(t) });
    } else {
      runs.push(refresh({ ...base, outcome: chance(0.001) ? "attempted" : "succeeded" }));
      row.lastRefreshedAt = new Date(t);
    }
  }
  if (disconnectAt < now) {
    const at = new Date(disconnectAt);
    if (chance(0.1)) runs.push(userRun(person, { workflow: "disconnect", outcome: "failed", reason: "database_error", ...p, connectionId: id, startedAt: at, durationMs: between(100, 900) }));
    const run = userRun(person, { workflow: "disconnect", outcome: "succeeded", ...p, connectionId: id, startedAt: new Date(at.getTime() + 60_000), durationMs: between(300, 3_000) });
    runs.push(run);
    email(run, person, "provider-disconnected", `${provider.name} disconnected`);
    Object.assign(row, { status: "disconnected", disconnectedAt: run.startedAt, revocationOutcome: "revoked" });
  }
  connections.push(row);
}

async function main() {
  await migrateDatabase();
  const db = await getDb();
  const domain = "example.com";
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, `${PEOPLE[0][1]}@${domain}`)).limit(1);
  if (existing) {
    console.log("This database is already seeded (audit rows cannot be removed). Use a fresh database to seed again.");
    return;
  }
  const people: Person[] = PEOPLE.slice(0, USER_COUNT).map(([, handle], i) => ({
    id: randomUUID(),
    email: `${handle}@${domain}`,
    ips: [`203.0.113.${10 + i * 7}`, `198.51.100.${20 + i * 5}`],
    devices: [DEVICES[i % DEVICES.length]!, DEVICES[(i * 3 + 1) % DEVICES.length]!],
  }));
  await db.insert(users).values(people.map((p, i) => ({ id: p.id, email: p.email, name: PEOPLE[i]![0], emailVerified: new Date(windowStart) })));

  for (const person of people) {
    const count = 2 + Math.floor(random() * 4);
    const providers = [...PROVIDERS].sort(() => random() - 0.5).slice(0, count);
    for (const provider of providers) simulateConnection(person, provider, provider.name);
    if (chance(0.5)) simulateConnection(person, providers[0]!, `${providers[0]!.name} (joint)`);
    // Someone tried to disconnect a connection that is not theirs (or was already gone).
    if (chance(0.4)) {
      runs.push(userRun(person, { workflow: "disconnect", outcome: "failed", reason: "connection_not_found", providerSlug: "unknown", providerName: "unknown", connectionId: randomUUID(), startedAt: new Date(between(windowStart, now)), durationMs: 40 }));
    }
  }
  runs.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());

  const started = performance.now();
  console.log(`seeding ${runs.length} runs for ${people.length} people on ${await databaseKind()}…`);
  const deliveries: (typeof emailDeliveries.$inferInsert)[] = [];
  for (const [i, run] of runs.entries()) {
    const { events } = await appendPastRun(run);
    const mail = emailsByRun.get(run);
    const outcome = events.at(-1);
    if (mail && outcome) {
      const at = new Date(outcome.occurredAt);
      const sent = mail.fate === "sent";
      deliveries.push({
        id: uuidv7(at.getTime()), eventId: outcome.eventId, template: mail.template, correlationId: outcome.correlationId,
        userId: mail.userId, toAddress: mail.to, subject: mail.subject,
        messageId: `<${outcome.eventId}.${mail.template}@seed.ledgerlink.localhost>`,
        html: `<p>${mail.subject} (seeded)</p>`, text: `${mail.subject} (seeded)`,
        status: mail.fate, attempts: sent ? 1 : mail.fate === "failed" ? 6 : 2,
        lastError: sent ? null : "Error: connect ECONNREFUSED 127.0.0.1:587 (seeded)",
        nextAttemptAt: mail.fate === "retrying" ? new Date(Date.now() + 15 * 60_000) : null,
        via: sent ? "smtp" : null, sentAt: sent ? new Date(at.getTime() + 1_500) : null, createdAt: at, updatedAt: at,
      });
    }
    if ((i + 1) % 2_000 === 0) console.log(`  ${i + 1} runs`);
  }
  for (let i = 0; i < deliveries.length; i += 500) await db.insert(emailDeliveries).values(deliveries.slice(i, i + 500));
  for (let i = 0; i < connections.length; i += 500) await db.insert(providerConnections).values(connections.slice(i, i + 500));

  const chain = await verifyAuditChain();
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${runs.length} runs, ${connections.length} connections, ${deliveries.length} emails`);
  console.log(chain.ok ? `audit chain verifies: ${chain.rows} rows` : `audit chain BROKEN at seq ${chain.firstBadSeq}: ${chain.reason}`);
  if (!chain.ok) process.exitCode = 1;
  console.log(`people (sign in as any of them to see their /activity):\n  ${people.map((p) => p.email).join("\n  ")}`);
}

try {
  await main();
} finally {
  await closeDb();
}
