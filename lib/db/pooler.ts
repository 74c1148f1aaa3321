/**
 * How to talk to the Postgres behind DATABASE_URL. Serverless deployments reach a managed
 * Postgres through a transaction-mode pooler (PgBouncer, Neon's `-pooler` endpoint,
 * Supabase's pooler on port 6543, RDS Proxy): each transaction may run on a different
 * server connection, so a statement prepared in one transaction is missing (or already
 * taken) in the next. Behind such a pooler the client sends unnamed statements only.
 *
 * The app keeps no other session state: its only lock held across statements is the audit
 * chain's `pg_advisory_xact_lock` (released with the transaction), and it never uses SET,
 * LISTEN, temporary tables or cursors that outlive a transaction.
 */
export type PoolerMode = "transaction" | "none";

export interface PostgresTarget {
  /** The URL for postgres.js, without pooler hints that Postgres would reject as settings. */
  url: string;
  pooler: PoolerMode;
  /** Named prepared statements: on for a direct connection or a session-mode pooler only. */
  prepare: boolean;
  /** Why this mode was chosen, for the start-up log. */
  reason: string;
}

/**
 * Transaction-mode poolers recognised from the URL alone (DATABASE_POOLER overrides):
 * - `?pgbouncer=true`, the hint Prisma and Supabase document for pooled URLs;
 * - a Neon host ending its first label in `-pooler` (`ep-…-pooler.<region>.aws.neon.tech`);
 * - Supabase's pooler host on port 6543 (its port 5432 is session mode).
 */
function detect(url: URL): { pooler: PoolerMode; reason: string } {
  if (url.searchParams.get("pgbouncer") === "true") return { pooler: "transaction", reason: "pgbouncer=true in DATABASE_URL" };
  const [firstLabel = ""] = url.hostname.split(".");
  if (firstLabel.endsWith("-pooler")) return { pooler: "transaction", reason: "a -pooler host (Neon) in DATABASE_URL" };
  if (url.hostname.endsWith(".pooler.supabase.com") && url.port === "6543") {
    return { pooler: "transaction", reason: "Supabase's transaction pooler (port 6543) in DATABASE_URL" };
  }
  return { pooler: "none", reason: "a direct connection (no pooler detected in DATABASE_URL)" };
}

export function postgresTarget(databaseUrl: string, configured?: PoolerMode): PostgresTarget {
  const url = new URL(databaseUrl);
  const { pooler, reason } = configured ? { pooler: configured, reason: `DATABASE_POOLER=${configured}` } : detect(url);
  // postgres.js sends unknown URL parameters to the server as settings; Postgres and
  // PgBouncer both refuse `pgbouncer`. Other URLs are passed on exactly as written.
  let clientUrl = databaseUrl;
  if (url.searchParams.has("pgbouncer")) {
    url.searchParams.delete("pgbouncer");
    clientUrl = url.toString();
  }
  return { url: clientUrl, pooler, prepare: pooler === "none", reason };
}
