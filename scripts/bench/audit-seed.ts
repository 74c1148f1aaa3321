/**
 * A large audit log for the benchmarks, generated inside Postgres in one statement: a year of
 * runs ending now, two rows each (one when the run has no outcome) — 85% scheduled refreshes,
 * 10% connects, 5% disconnects, 5% failures, people `bench-user-0` … `bench-user-1999`, six
 * providers — in `seq` order by time, as the app appends them. The rows carry placeholder
 * hashes: the chain's writer and verifier are measured by `npm run bench:events`.
 */
import type { Sql } from "postgres";

/** The INSERT … SELECT for `runs` runs (about 1.995 rows per run). */
export const auditFillSql = (runs: number) => `
  insert into audit_logs (event_id, event_type, action, outcome, workflow, actor_type, actor_user_id, user_id,
    provider_id, provider_slug, connection_id, reason, needs_user_action, correlation_id, ip_address, user_agent,
    occurred_at, recorded_at, metadata, prev_hash, hash)
  select gen_random_uuid(), e.event_type, e.action, e.outcome::audit_outcome, r.workflow, r.actor_type,
    case when r.actor_type = 'user' then r.user_id end, r.user_id, r.provider, r.provider,
    case when r.workflow = 'connect' and e.step = 0 then null else r.connection_id end,
    case when e.step = 1 and r.failed then r.reason end,
    case when e.step = 1 and r.failed and r.workflow = 'refresh' then r.reason in ('refresh_token_expired', 'provider_revoked') end,
    r.correlation_id, case when r.actor_type = 'user' then '203.0.113.' || (r.u % 250) end,
    case when r.actor_type = 'user' then 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' end,
    r.at + e.step * r.duration, r.at + e.step * r.duration,
    jsonb_build_object('providerName', initcap(replace(r.provider, '-', ' ')), 'requestId', null)
      || case when e.step = 1 and r.failed then jsonb_build_object('reasonText', 'Seeded failure.') else '{}'::jsonb end,
    md5(g::text || e.step), md5(g::text || e.step || 'h')
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
      (50 + random() * 3000) * interval '1 millisecond' as duration) r
  cross join lateral (values
      (0, case r.workflow when 'refresh' then 'ProviderTokenRefreshAttempted' when 'connect' then 'ProviderConnectionAttempted' else 'ProviderDisconnectionAttempted' end,
          case r.workflow when 'refresh' then 'provider_token_refresh_attempted' when 'connect' then 'provider_connection_attempted' else 'provider_disconnection_attempted' end,
          'attempted'),
      (1, case r.workflow when 'refresh' then 'ProviderTokenRefresh' when 'connect' then 'ProviderConnection' else 'ProviderDisconnection' end || case when r.failed then 'Failed' else 'Succeeded' end,
          case r.workflow when 'refresh' then case when r.failed then 'provider_token_refresh_failed' else 'provider_token_refreshed' end
                          when 'connect' then case when r.failed then 'provider_connection_failed' else 'provider_connected' end
                          else case when r.failed then 'provider_disconnection_failed' else 'provider_disconnected' end end,
          case when r.failed then 'failed' else 'succeeded' end)) e(step, event_type, action, outcome)
  where not (e.step = 1 and r.open and not r.failed)
  order by g, e.step`;

/** Admins reading the log now and then: rare rows in a big table. */
const ACCESS_ROWS_SQL = `insert into audit_logs (event_id, event_type, action, outcome, workflow, actor_type, actor_user_id, user_id,
    provider_id, provider_slug, correlation_id, occurred_at, recorded_at, metadata, prev_hash, hash)
  select gen_random_uuid(), 'AuditLogViewed', 'audit_log_viewed', 'succeeded', 'admin', 'user', 'bench-admin', 'bench-admin',
    'ledgerlink', 'ledgerlink', gen_random_uuid(), now() - g * interval '3 days', now() - g * interval '3 days',
    '{"requestId": null, "filters": {}}', md5(g::text), md5(g::text || 'h')
  from generate_series(1, 200) g`;

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
 * Fills an empty `audit_logs` with about `rows` rows the fast way for a bulk load: the
 * secondary indexes are dropped first and rebuilt once at the end (as pg_restore does), then
 * VACUUM ANALYZE, as autovacuum would leave it. `sql` must reach the table as its owner.
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
  await sql.unsafe(auditFillSql(Math.max(1, Math.round(rows / 1.995) - 100)));
  await sql.unsafe(ACCESS_ROWS_SQL);
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
