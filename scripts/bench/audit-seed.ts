/**
 * A large audit log for the benchmarks, generated inside Postgres in one statement: a year of
 * runs ending now, two rows each (one when the run has no outcome) — 85% scheduled refreshes,
 * 10% connects, 5% disconnects, 5% failures, people `bench-user-0` … `bench-user-1999`, six
 * providers — in `seq` order by time, as the app appends them, then 200 admin views spread
 * over the last 600 days.
 *
 * `seedAuditLog` writes a valid hash chain, as the app's writer would (docs/AUDIT-FORMAT.md):
 * each row's canonical content is built in SQL and chained with SHA-256 by a running window
 * aggregate, so the admin page's integrity line verifies the seeded log as it does a real one.
 * `auditFillSql` (bench:audit, which measures reading only) writes placeholder hashes instead.
 */
import type { Sql } from "postgres";

/** 64 zeros: the first row's prev_hash. */
const GENESIS = "0".repeat(64);

/**
 * The rows of `runs` runs (about 1.995 rows per run) as a SELECT of audit_logs' columns (no
 * seq, no hashes), their append order `ord`, and `metadata_text`: the metadata's canonical JSON.
 * Times are whole milliseconds, as the app writes them (the canonical form has three digits).
 */
const runRowsSql = (runs: number) => `
  select gen_random_uuid() as event_id, e.event_type, e.action, e.outcome::audit_outcome as outcome, r.workflow, r.actor_type,
    case when r.actor_type = 'user' then r.user_id end as actor_user_id, r.user_id, r.provider as provider_id, r.provider as provider_slug,
    case when r.workflow = 'connect' and e.step = 0 then null else r.connection_id end as connection_id,
    case when e.step = 1 and r.failed then r.reason end as reason,
    case when e.step = 1 and r.failed and r.workflow = 'refresh' then r.reason in ('refresh_token_expired', 'provider_revoked') end as needs_user_action,
    r.correlation_id, case when r.actor_type = 'user' then '203.0.113.' || (r.u % 250) end as ip_address,
    case when r.actor_type = 'user' then 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' end as user_agent,
    date_trunc('milliseconds', r.at + e.step * r.duration) as occurred_at, date_trunc('milliseconds', r.at + e.step * r.duration) as recorded_at,
    jsonb_build_object('providerName', r.provider_name, 'requestId', null)
      || case when e.step = 1 and r.failed then jsonb_build_object('reasonText', 'Seeded failure.') else '{}'::jsonb end as metadata,
    '{"providerName":' || to_json(r.provider_name)::text
      || case when e.step = 1 and r.failed then ',"reasonText":"Seeded failure."' else '' end || ',"requestId":null}' as metadata_text,
    g, e.step, g * 2 + e.step as ord
  from generate_series(1, ${runs}) g
  cross join lateral (select
      (abs(hashint4(g * 7)) % 2000) as u, random() as w, random() as o, random() as p) k
  cross join lateral (select
      'bench-user-' || k.u as user_id,
      k.u,
      case when k.w < 0.85 then 'refresh' when k.w < 0.95 then 'connect' else 'disconnect' end as workflow,
      case when k.w < 0.85 and random() < 0.95 then 'system' else 'user' end as actor_type,
      case when k.p < 0.40 then 'sandbox-bank' when k.p < 0.65 then 'schwab' when k.p < 0.80 then 'acme-bank'
           when k.p < 0.90 then 'globex-brokerage' when k.p < 0.97 then 'initech-card' else 'umbrella-crypto' end as provider,
      md5('conn' || k.u || floor(k.p * 3))::uuid as connection_id,
      md5('corr' || g)::uuid as correlation_id,
      k.o < 0.05 as failed, k.o >= 0.995 as open,
      (array['network_error', 'provider_unavailable', 'rate_limited', 'refresh_token_expired', 'provider_revoked'])[1 + (g % 5)] as reason,
      now() - interval '365 days' + (g::double precision / ${runs}) * interval '365 days' as at,
      (50 + random() * 3000) * interval '1 millisecond' as duration) r0
  cross join lateral (select r0.*, initcap(replace(r0.provider, '-', ' ')) as provider_name) r
  cross join lateral (values
      (0, case r.workflow when 'refresh' then 'ProviderTokenRefreshAttempted' when 'connect' then 'ProviderConnectionAttempted' else 'ProviderDisconnectionAttempted' end,
          case r.workflow when 'refresh' then 'provider_token_refresh_attempted' when 'connect' then 'provider_connection_attempted' else 'provider_disconnection_attempted' end,
          'attempted'),
      (1, case r.workflow when 'refresh' then 'ProviderTokenRefresh' when 'connect' then 'ProviderConnection' else 'ProviderDisconnection' end || case when r.failed then 'Failed' else 'Succeeded' end,
          case r.workflow when 'refresh' then case when r.failed then 'provider_token_refresh_failed' else 'provider_token_refreshed' end
                          when 'connect' then case when r.failed then 'provider_connection_failed' else 'provider_connected' end
                          else case when r.failed then 'provider_disconnection_failed' else 'provider_disconnected' end end,
          case when r.failed then 'failed' else 'succeeded' end)) e(step, event_type, action, outcome)
  where not (e.step = 1 and r.open and not r.failed)`;

/** Admins reading the log now and then: rare rows in a big table, appended after the runs. */
const accessRowsSql = `
  select gen_random_uuid() as event_id, 'AuditLogViewed' as event_type, 'audit_log_viewed' as action, 'succeeded'::audit_outcome as outcome,
    'admin' as workflow, 'user' as actor_type, 'bench-admin' as actor_user_id, 'bench-admin' as user_id, 'ledgerlink' as provider_id,
    'ledgerlink' as provider_slug, null::uuid as connection_id, null as reason, null::boolean as needs_user_action,
    gen_random_uuid() as correlation_id, null as ip_address, null as user_agent,
    date_trunc('milliseconds', now() - g * interval '3 days') as occurred_at, date_trunc('milliseconds', now() - g * interval '3 days') as recorded_at,
    '{"requestId": null, "filters": {}}'::jsonb as metadata, '{"filters":{},"requestId":null}' as metadata_text,
    g, 0 as step, g as ord
  from generate_series(1, 200) g`;

const COLUMNS = `event_id, event_type, action, outcome, workflow, actor_type, actor_user_id, user_id,
  provider_id, provider_slug, connection_id, reason, needs_user_action, correlation_id, ip_address, user_agent,
  occurred_at, recorded_at, metadata`;

/** The INSERT … SELECT for `runs` runs with placeholder hashes (bench:audit measures reading only). */
export const auditFillSql = (runs: number) => `
  insert into audit_logs (${COLUMNS}, prev_hash, hash)
  select ${COLUMNS}, md5(g::text || step), md5(g::text || step || 'h') from (${runRowsSql(runs)}) rows order by ord`;

const json = (column: string) => `coalesce(to_json(${column})::text, 'null')`;
const iso = (column: string) => `'"' || to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`;

/** A row's canonical content (docs/AUDIT-FORMAT.md): the 19 hashed fields in sorted order, no whitespace. */
const CONTENT = `'{"action":' || ${json("action")} || ',"actorType":' || ${json("actor_type")} || ',"actorUserId":' || ${json("actor_user_id")}
  || ',"connectionId":' || ${json("connection_id::text")} || ',"correlationId":' || ${json("correlation_id::text")}
  || ',"eventId":' || ${json("event_id::text")} || ',"eventType":' || ${json("event_type")} || ',"ipAddress":' || ${json("ip_address")}
  || ',"metadata":' || metadata_text || ',"needsUserAction":' || ${json("needs_user_action")} || ',"occurredAt":' || ${iso("occurred_at")}
  || ',"outcome":' || ${json("outcome::text")} || ',"providerId":' || ${json("provider_id")} || ',"providerSlug":' || ${json("provider_slug")}
  || ',"reason":' || ${json("reason")} || ',"recordedAt":' || ${iso("recorded_at")} || ',"userAgent":' || ${json("user_agent")}
  || ',"userId":' || ${json("user_id")} || ',"workflow":' || ${json("workflow")} || '}'`;

/**
 * The INSERT … SELECT for `runs` runs and the admin views after them, chained: a running
 * aggregate over the append order gives each row `sha256(prev_hash || "\n" || content)`, what
 * `audit_logs_append` computes for one row. Needs the session's pg_temp.audit_seed_chain.
 */
const chainedFillSql = (runs: number) => `
  insert into audit_logs (${COLUMNS}, prev_hash, hash)
  select ${COLUMNS}, lag(hash, 1, '${GENESIS}') over (order by part, ord), hash
  from (
    select *, pg_temp.audit_seed_chain(${CONTENT}) over (order by part, ord rows between unbounded preceding and current row) as hash
    from (select *, 0 as part from (${runRowsSql(runs)}) runs union all select *, 1 as part from (${accessRowsSql}) views) rows
  ) chained
  order by part, ord`;

const CHAIN_FUNCTIONS = [
  `create function pg_temp.audit_seed_link(prev text, content text) returns text language sql immutable
     as $$ select encode(sha256(convert_to(prev || E'\\n' || content, 'UTF8')), 'hex') $$`,
  `create aggregate pg_temp.audit_seed_chain(text) (sfunc = pg_temp.audit_seed_link, stype = text, initcond = '${GENESIS}')`,
];

export interface SeedReport {
  rows: number;
  fillSeconds: number;
  indexSeconds: number;
  vacuumAnalyzeSeconds: number;
  /** pg_total_relation_size('audit_logs'): heap, TOAST and every index. */
  totalBytes: number;
  heapBytes: number;
  indexBytes: number;
}

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1));

/**
 * Fills an empty `audit_logs` with about `rows` rows, hash-chained from the first, the fast way
 * for a bulk load: the secondary indexes are dropped first and rebuilt once at the end (as
 * pg_restore does), then VACUUM ANALYZE, as autovacuum would leave it. `sql` must reach the
 * table as its owner, on one connection (the chain's functions live in its pg_temp).
 */
export async function seedAuditLog(sql: Sql, rows: number): Promise<SeedReport> {
  const indexes = await sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where tablename = 'audit_logs' and indexname not in (select conname from pg_constraint where conrelid = 'audit_logs'::regclass)`;
  for (const { name } of indexes) await sql.unsafe(`drop index "${name}"`);
  let started = performance.now();
  await sql.unsafe("select setseed(0.42)");
  // The sort of a 10 M-row fill spills to disk with the default work_mem; more memory, one session.
  await sql.unsafe("set work_mem = '256MB'");
  for (const statement of CHAIN_FUNCTIONS) await sql.unsafe(statement);
  await sql.unsafe(chainedFillSql(Math.max(1, Math.round(rows / 1.995) - 100)));
  const fillSeconds = seconds(started);
  started = performance.now();
  await sql.unsafe("set maintenance_work_mem = '256MB'");
  for (const { definition } of indexes) await sql.unsafe(definition);
  const indexSeconds = seconds(started);
  started = performance.now();
  await sql.unsafe("vacuum analyze audit_logs");
  const vacuumAnalyzeSeconds = seconds(started);
  await sql.unsafe("reset work_mem");
  await sql.unsafe("reset maintenance_work_mem");
  const [size] = await sql<{ rows: number; total: string; heap: string; indexes: string }[]>`
    select (select count(*)::int from audit_logs) as rows, pg_total_relation_size('audit_logs') as total,
      pg_table_size('audit_logs') as heap, pg_indexes_size('audit_logs') as indexes`;
  return {
    rows: size!.rows,
    fillSeconds,
    indexSeconds,
    vacuumAnalyzeSeconds,
    totalBytes: Number(size!.total),
    heapBytes: Number(size!.heap),
    indexBytes: Number(size!.indexes),
  };
}
