/**
 * Which runs a view asks for, in database terms, and the SQL conditions that select them.
 *
 * A *run* is one workflow execution: an Attempted row and its outcome, sharing a correlation
 * id. Each run is represented by one *anchor* row — its outcome row, or the Attempted row while
 * there is no outcome yet — and the timeline pages through anchors in (occurred_at, seq)
 * order. Outcome rows are anchors by themselves, so "failures only" is a plain index range;
 * an Attempted row is an anchor only when no outcome shares its correlation id (one probe of
 * the correlation index).
 */
import { and, eq, gte, lt, ne, or, sql, type SQL } from "drizzle-orm";

import { getDb, type Executor } from "../../db/client";
import { auditLogs, users } from "../../db/schema";
import { WORKFLOWS } from "../audit-actions";
import { AUDIT_ACCESS_WORKFLOW } from "../audit-access";
import { dateBounds, type AuditFilters, type TimelineOutcome, type TimelineWorkflow } from "./audit-filters";

export interface RunFilter {
  /** The person the runs are about (the connection's owner; the admin for audit-access rows). */
  userId?: string;
  providerSlug?: string;
  /** Undefined: every workflow, audit access included. */
  workflows?: readonly TimelineWorkflow[];
  outcome?: TimelineOutcome;
  reason?: string;
  /** On the anchor's time: inclusive start, exclusive end. */
  start?: Date;
  end?: Date;
  correlationId?: string;
}

/** The three workflows of DESIGN.md §1: what the timeline shows unless audit access is asked for. */
export const DOMAIN_WORKFLOWS: readonly TimelineWorkflow[] = WORKFLOWS;

/**
 * The page's filters in database terms. The user filter is an email in the URL and an id in the
 * table; an unknown email matches nothing (`null`). Without a workflow filter the timeline
 * shows the three workflows and the export the whole log (DESIGN.md §5): `withoutWorkflow`.
 */
export async function resolveRunFilter(
  filters: AuditFilters,
  {
    withoutWorkflow,
    timeZone,
    db,
  }: {
    withoutWorkflow: "domain" | "all";
    /** The zone the day filters are days in (the timeline's chosen zone); UTC unless said. */
    timeZone?: string;
    db?: Executor;
  },
): Promise<RunFilter | null> {
  let userId: string | undefined;
  if (filters.user) {
    const executor = db ?? (await getDb());
    const [user] = await executor.select({ id: users.id }).from(users).where(eq(users.email, filters.user)).limit(1);
    if (!user) return null;
    userId = user.id;
  }
  const { start, end } = dateBounds(filters, timeZone);
  return {
    userId,
    providerSlug: filters.provider,
    workflows: filters.workflow ? [filters.workflow] : withoutWorkflow === "domain" ? DOMAIN_WORKFLOWS : undefined,
    outcome: filters.outcome,
    reason: filters.reason,
    start: start ?? undefined,
    end: end ?? undefined,
    correlationId: filters.correlation,
  };
}

/**
 * An Attempted row whose run has no outcome (yet). A scalar subquery rather than NOT EXISTS:
 * under an OR, Postgres would turn NOT EXISTS into a hashed subplan that reads the whole table
 * to build its hash; this form is one probe of the correlation index per candidate row.
 */
export const NO_OUTCOME_YET = sql`(select o.seq from audit_logs o
  where o.correlation_id = ${auditLogs.correlationId} and o.outcome <> 'attempted' limit 1) is null`;

/**
 * The WHERE conditions of a filter. `anchors: true` keeps one row per run (for listing runs);
 * `false` keeps the rows themselves (for counting outcomes, where every outcome row is a run).
 */
export function runConditions(filter: RunFilter, { anchors }: { anchors: boolean }): SQL[] {
  const conditions: (SQL | undefined)[] = [];
  if (filter.userId) conditions.push(eq(auditLogs.userId, filter.userId));
  if (filter.providerSlug) conditions.push(eq(auditLogs.providerSlug, filter.providerSlug));
  conditions.push(workflowCondition(filter.workflows));
  if (filter.outcome === "attempted") {
    conditions.push(eq(auditLogs.outcome, "attempted"));
    // Stryker disable next-line ConditionalExpression: the rows themselves (anchors: false) are only counted as outcomes, never for attempts.
    if (anchors) conditions.push(NO_OUTCOME_YET);
  } else if (filter.outcome) {
    conditions.push(eq(auditLogs.outcome, filter.outcome));
    // Stryker disable next-line ConditionalExpression,BlockStatement: only failures carry a reason, so this condition changes no result, only the plan.
  } else if (filter.reason) {
    // Only failures carry a reason: saying so lets the planner use the outcome index.
    conditions.push(eq(auditLogs.outcome, "failed"));
    // Stryker disable next-line ConditionalExpression: the rows themselves (anchors: false) are only counted as outcomes, which this condition keeps.
  } else if (anchors) {
    conditions.push(or(ne(auditLogs.outcome, "attempted"), NO_OUTCOME_YET));
  }
  if (filter.reason) conditions.push(eq(auditLogs.reason, filter.reason));
  if (filter.start) conditions.push(gte(auditLogs.occurredAt, filter.start));
  if (filter.end) conditions.push(lt(auditLogs.occurredAt, filter.end));
  if (filter.correlationId) conditions.push(eq(auditLogs.correlationId, filter.correlationId));
  return conditions.filter((c): c is SQL => c !== undefined);
}

function workflowCondition(workflows: readonly TimelineWorkflow[] | undefined): SQL | undefined {
  if (!workflows) return undefined;
  if (workflows.length === 1) return eq(auditLogs.workflow, workflows[0]!);
  // "Everything but audit access" reads as a filter on the time-ordered index, not three index ranges to merge.
  const all: readonly TimelineWorkflow[] = [...DOMAIN_WORKFLOWS, AUDIT_ACCESS_WORKFLOW];
  const left = all.filter((w) => !workflows.includes(w));
  if (left.length === 0) return undefined;
  if (left.length === 1) return ne(auditLogs.workflow, left[0]!);
  return sql`${auditLogs.workflow} in (${sql.join(workflows.map((w) => sql`${w}`), sql`, `)})`;
}

export function whereAll(conditions: SQL[]): SQL | undefined {
  return conditions.length === 0 ? undefined : and(...conditions);
}
