/**
 * The nine domain events of DESIGN.md §1: typed, immutable values, one interface per event
 * with a line saying when it is emitted. Each workflow emits exactly three: `…Attempted`
 * before any business logic, `…Succeeded` after the change is committed (recorded in the
 * same transaction), `…Failed` after it was rolled back. The Attempted event and its outcome
 * share one `correlationId`.
 *
 * No event ever carries a credential: `createEvent` keeps only the fields declared here.
 */
import type { Actor } from "../request-context";
import type { ConnectionFailureReason, DisconnectionFailureReason, RefreshFailureReason } from "./reasons";

export type { Actor } from "../request-context";

/** What every event carries besides its own fields. */
export interface EventEnvelope {
  /** UUID v7, generated in the app: unique, and sortable by time. */
  readonly eventId: string;
  /** When it happened, ISO 8601 in UTC (`2026-11-27T10:00:00.000Z`). */
  readonly occurredAt: string;
  /** Shared by an Attempted event and its outcome, and by the audit rows, log lines and emails they cause. */
  readonly correlationId: string;
  /** The signed-in user, or `system` for scheduled refreshes. */
  readonly actor: Readonly<Actor>;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  /** The request that emitted the event, when there was one (ties it to the request's log lines). */
  readonly requestId: string | null;
}

/** The connection's owner and the provider. `providerId` is the provider's stable id (its slug). */
interface ProviderTarget {
  readonly userId: string;
  readonly providerId: string;
  readonly providerSlug: string;
}

interface ConnectionTarget extends ProviderTarget {
  readonly connectionId: string;
}

/** A user asked to connect a provider; emitted before the OAuth redirect is built. */
export interface ProviderConnectionAttempted extends EventEnvelope, ProviderTarget {
  readonly type: "ProviderConnectionAttempted";
}
/** The OAuth callback stored the grant and the connection is active (committed). */
export interface ProviderConnectionSucceeded extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderConnectionSucceeded";
}
/** Connecting ended without a working connection (cancelled, refused, provider down…). */
export interface ProviderConnectionFailed extends EventEnvelope, ProviderTarget {
  readonly type: "ProviderConnectionFailed";
  readonly reason: ConnectionFailureReason;
}
/** A user asked to disconnect one of their connections; emitted before the ownership check. */
export interface ProviderDisconnectionAttempted extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderDisconnectionAttempted";
}
/** The credentials were wiped and the connection is disconnected (committed). */
export interface ProviderDisconnectionSucceeded extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderDisconnectionSucceeded";
  /** What the provider said to the RFC 7009 revocation (lib/connections/disconnect.ts). */
  readonly revocationOutcome?: "revoked" | "unsupported" | "failed" | "no_credentials";
}
/** The disconnect was refused or rolled back. */
export interface ProviderDisconnectionFailed extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderDisconnectionFailed";
  readonly reason: DisconnectionFailureReason;
}
/** A refresh of a connection's tokens starts (scheduled sweep or before a use of the token). */
export interface ProviderTokenRefreshAttempted extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderTokenRefreshAttempted";
}
/** New tokens are stored (committed). */
export interface ProviderTokenRefreshSucceeded extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderTokenRefreshSucceeded";
}
/** The refresh failed; `needsUserAction` when only the user can fix it by reconnecting. */
export interface ProviderTokenRefreshFailed extends EventEnvelope, ConnectionTarget {
  readonly type: "ProviderTokenRefreshFailed";
  readonly reason: RefreshFailureReason;
  readonly needsUserAction: boolean;
}

export type DomainEvent =
  | ProviderConnectionAttempted
  | ProviderConnectionSucceeded
  | ProviderConnectionFailed
  | ProviderDisconnectionAttempted
  | ProviderDisconnectionSucceeded
  | ProviderDisconnectionFailed
  | ProviderTokenRefreshAttempted
  | ProviderTokenRefreshSucceeded
  | ProviderTokenRefreshFailed;

export type DomainEventType = DomainEvent["type"];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
/** The fields an event has beyond the envelope: what `createEvent` takes. */
export type EventFields<T extends DomainEventType> = {
  // Over `keyof Omit<…>` (homomorphic), so an optional field stays optional.
  -readonly [K in keyof Omit<EventOf<T>, keyof EventEnvelope | "type">]: Omit<EventOf<T>, keyof EventEnvelope | "type">[K];
};

export {
  AUDIT_ACTIONS,
  EVENT_CATALOG,
  EVENT_TYPES,
  WORKFLOWS,
  type AuditAction,
  type EventInfo,
  type EventOutcome,
  type Workflow,
} from "./event-catalog";
export * from "./reasons";
export { createEvent, type CreateEventOptions } from "./create-event";
export { parseEvent } from "./event-schemas";
// The runtime, so use-cases import everything from this one module. (Client components
// wanting only `reasonText` should import "./reasons": this module reaches the database.)
export { recordEvent } from "./record-event";
export { dispatchEvent } from "./dispatch-event";
export { dispatchAfterResponse } from "./dispatch-after-response";
export { publishEvent, type PublishOptions } from "./publish-event";
export { recoverEvents, type RecoverEventsOptions, type RecoverySummary } from "./recover-events";
export type { DispatchResult } from "./dispatcher";
