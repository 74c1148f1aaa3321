import { sql } from "drizzle-orm";

import { getDb, queryRows, type Executor } from "../../db/client";
import { listProviders, providerName } from "../../providers/find-provider";
import { AUDIT_ACCESS_PROVIDER_SLUG } from "../audit-access";

export interface AuditProvider {
  slug: string;
  name: string;
}

/**
 * The providers the filter offers: those configured now and every slug the log mentions
 * (providers come and go with configuration; their history stays). The distinct slugs are
 * read by skipping through the provider index — one probe per slug, not a scan of the table.
 */
export async function listAuditProviders({ db: given }: { db?: Executor } = {}): Promise<AuditProvider[]> {
  const db = given ?? (await getDb());
  const rows = await queryRows<{ slug: string }>(
    db,
    sql`with recursive slugs(slug) as (
          (select provider_slug from audit_logs order by provider_slug limit 1)
          union all
          select (select a.provider_slug from audit_logs a where a.provider_slug > s.slug order by a.provider_slug limit 1)
          from slugs s where s.slug is not null)
        select slug from slugs where slug is not null`,
  );
  const slugs = new Set([...listProviders().map((p) => p.slug), ...rows.map((r) => r.slug)]);
  slugs.delete(AUDIT_ACCESS_PROVIDER_SLUG);
  return [...slugs].map((slug) => ({ slug, name: providerName(slug) })).sort((a, b) => a.name.localeCompare(b.name));
}
