/**
 * Runs only through a transaction-mode pooler (npm test's PgBouncer stage): the client
 * opens more connections than the pooler has server connections, so one client
 * connection's consecutive transactions land on different server connections. A statement
 * prepared by name on one is missing on the next ("prepared statement … does not exist",
 * which aborts the transaction it happens in); lib/db/pooler.ts turns named statements
 * off for such URLs. The rest of the
 * integration suite runs through the same pooler: row locks, SKIP LOCKED claims and the
 * audit chain's transaction-scoped advisory lock.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { appendAuditLog } from "@/lib/audit/append-audit-log";
import { auditEntryFromEvent } from "@/lib/events/handlers/audit-entry-from-event";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import postgres from "postgres";

import { getDb, postgresClientConfig, queryRows } from "@/lib/db/client";
import { postgresTarget } from "@/lib/db/pooler";
import { env } from "@/lib/env";
import { sampleEvents } from "@/test/support/sample-events";

const pooled = env.DATABASE_URL !== undefined && postgresTarget(env.DATABASE_URL, env.DATABASE_POOLER).pooler === "transaction";

describe.runIf(pooled)("through a transaction-mode pooler", () => {
  it("runs the same statements in transactions, again and again, from every client connection", async () => {
    // postgres.js itself, configured as the app configures it: its tagged templates are
    // prepared by name unless told otherwise. Outside a transaction it quietly re-prepares
    // a missing statement; inside one the error aborts the transaction.
    const { url, options } = postgresClientConfig(env.DATABASE_URL!);
    const client = postgres(url, options);
    try {
      for (let wave = 0; wave < 4; wave++) {
        const found = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            client.begin(async (tx) => {
              const [byEmail] = await tx<{ n: number }[]>`select count(*)::int as n from users where email = ${`nobody-${wave}-${i}@pool.test`}`;
              const [byId] = await tx<{ n: number }[]>`select count(*)::int as n from users where id = ${`none-${i}`}`;
              return byEmail!.n + byId!.n;
            }),
          ),
        );
        expect(found.every((n) => n === 0)).toBe(true);
      }
    } finally {
      await client.end({ timeout: 5 });
    }
  });

  it("appends to the audit chain from every client connection at once and leaves no advisory lock behind", async () => {
    const db = await getDb();
    const events = [...sampleEvents(), ...sampleEvents()];
    // Each on its own statement, so the appends spread over the pooled server connections.
    const results = await Promise.all(events.map((event) => appendAuditLog(auditEntryFromEvent(event, { providerName: "Sandbox Bank", recordedAt: new Date() }), db)));
    expect(new Set(results.map((r) => r.seq)).size).toBe(events.length);
    expect(await verifyAuditChain({ batchSize: 5 })).toMatchObject({ ok: true });
    // The chain lock is transaction-scoped: a session lock would stay on a server connection
    // that the pooler hands to the next client.
    const [left] = await queryRows<{ held: number }>(
      db,
      sql`select count(*)::int as held from pg_locks
          where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(left!.held).toBe(0);
  });
});
