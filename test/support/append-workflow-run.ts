/**
 * Writes one past workflow run — its Attempted event and its outcome — straight to the audit
 * trail through the real writer (same events, same metadata, same hash chain), without
 * running the workflow or its other handlers. For `npm run db:seed`, the benchmark's
 * sample and tests that need history at chosen times; the app itself never back-dates events.
 */
import type { Executor } from "../../lib/db/client";
import { createEvent } from "../../lib/events/create-event";
import type { Workflow } from "../../lib/events/event-catalog";
import type { Actor, DomainEvent } from "../../lib/events/events";
import type { ConnectionFailureReason, DisconnectionFailureReason, RefreshFailureReason } from "../../lib/failure-reasons";
import { uuidv7 } from "../../lib/db/uuid-v7";
import { appendAuditLog } from "../../lib/audit/append-audit-log";
import { auditEntryFromEvent } from "../../lib/events/handlers/audit-entry-from-event";

export interface PastRun {
  workflow: Workflow;
  /** `attempted`: the run never got an outcome (abandoned, or still in flight). */
  outcome: "succeeded" | "failed" | "attempted";
  userId: string;
  providerSlug: string;
  /** The provider's display name at the time (kept in the metadata). */
  providerName: string;
  /** Required for disconnect and refresh, and for a connect that succeeded. */
  connectionId?: string;
  reason?: ConnectionFailureReason | DisconnectionFailureReason | RefreshFailureReason;
  needsUserAction?: boolean;
  actor: Actor;
  ipAddress?: string | null;
  userAgent?: string | null;
  startedAt: Date;
  /** Time from the attempt to the outcome. */
  durationMs?: number;
  /** Only the outcome, as when a callback arrives with an unknown state. */
  withoutAttempt?: boolean;
}

/** The events of a past run, oldest first, sharing one correlation id. */
export function pastRunEvents(run: PastRun): DomainEvent[] {
  const correlationId = uuidv7(run.startedAt.getTime());
  const options = (at: Date) => ({
    correlationId,
    actor: run.actor,
    ipAddress: run.ipAddress ?? null,
    userAgent: run.userAgent ?? null,
    occurredAt: at,
  });
  const started = options(run.startedAt);
  const ended = options(new Date(run.startedAt.getTime() + (run.durationMs ?? 0)));
  const provider = { userId: run.userId, providerId: run.providerSlug, providerSlug: run.providerSlug };
  const connection = { ...provider, connectionId: run.connectionId ?? "" };
  const events: DomainEvent[] = [];
  const attempt = (event: DomainEvent) => {
    if (!run.withoutAttempt) events.push(event);
  };
  switch (run.workflow) {
    case "connect":
      attempt(createEvent("ProviderConnectionAttempted", provider, started));
      if (run.outcome === "succeeded") events.push(createEvent("ProviderConnectionSucceeded", connection, ended));
      if (run.outcome === "failed") {
        events.push(createEvent("ProviderConnectionFailed", { ...provider, reason: (run.reason ?? "oauth_error") as ConnectionFailureReason }, ended));
      }
      break;
    case "disconnect":
      attempt(createEvent("ProviderDisconnectionAttempted", connection, started));
      if (run.outcome === "succeeded") events.push(createEvent("ProviderDisconnectionSucceeded", connection, ended));
      if (run.outcome === "failed") {
        events.push(
          createEvent("ProviderDisconnectionFailed", { ...connection, reason: (run.reason ?? "database_error") as DisconnectionFailureReason }, ended),
        );
      }
      break;
    case "refresh":
      attempt(createEvent("ProviderTokenRefreshAttempted", connection, started));
      if (run.outcome === "succeeded") events.push(createEvent("ProviderTokenRefreshSucceeded", connection, ended));
      if (run.outcome === "failed") {
        events.push(
          createEvent(
            "ProviderTokenRefreshFailed",
            { ...connection, reason: (run.reason ?? "network_error") as RefreshFailureReason, needsUserAction: run.needsUserAction ?? false },
            ended,
          ),
        );
      }
      break;
  }
  return events;
}

/** Appends a past run's rows (recorded "when they happened", as the handler would have). */
export async function appendPastRun(run: PastRun, executor?: Executor): Promise<{ correlationId: string; events: DomainEvent[] }> {
  const events = pastRunEvents(run);
  for (const event of events) {
    await appendAuditLog(auditEntryFromEvent(event, { providerName: run.providerName, recordedAt: new Date(event.occurredAt) }), executor);
  }
  return { correlationId: events[0]?.correlationId ?? "", events };
}
