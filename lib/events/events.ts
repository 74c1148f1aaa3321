/**
 * The nine domain events (docs/DESIGN.md §1), types only: importing this module loads no code.
 * No event carries a credential: `createEvent` keeps only the fields declared here.
 */
import type { Actor } from "../request-context";
import type { ConnectionFailureReason, DisconnectionFailureReason, RefreshFailureReason } from "../failure-reasons";

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

export type { AuditAction, EventInfo, EventOutcome, Workflow } from "./event-catalog";
export type {
  ConnectionFailureReason,
  DisconnectionFailureReason,
  FailureReason,
  RefreshFailureReason,
} from "../failure-reasons";
