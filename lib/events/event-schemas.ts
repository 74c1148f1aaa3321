/**
 * Runtime schemas of the events: `createEvent` checks a caller's fields with them (and drops
 * anything undeclared, a stray token included), and the recovery pass re-reads outbox
 * payloads with them. The `satisfies` clauses keep them in step with the interfaces.
 */
import { z } from "zod";

import type { DomainEvent, DomainEventType, EventEnvelope, EventFields } from "./events";
import { CONNECTION_FAILURE_REASONS, DISCONNECTION_FAILURE_REASONS, REFRESH_FAILURE_REASONS } from "../failure-reasons";

const id = z.string().min(1).max(200);
/** Lower-cased so the same id always hashes and compares the same way. */
export const uuidSchema = z.uuid().transform((value) => value.toLowerCase());
const providerKey = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "a provider slug (lower kebab case)").max(100);

const providerTarget = { userId: id, providerId: providerKey, providerSlug: providerKey };
const connectionTarget = { ...providerTarget, connectionId: uuidSchema };

export const FIELD_SCHEMAS = {
  ProviderConnectionAttempted: z.object(providerTarget),
  ProviderConnectionSucceeded: z.object(connectionTarget),
  ProviderConnectionFailed: z.object({ ...providerTarget, reason: z.enum(CONNECTION_FAILURE_REASONS) }),
  ProviderDisconnectionAttempted: z.object(connectionTarget),
  ProviderDisconnectionSucceeded: z.object({
    ...connectionTarget,
    revocationOutcome: z.enum(["revoked", "unsupported", "failed", "no_credentials"]).optional(),
  }),
  ProviderDisconnectionFailed: z.object({ ...connectionTarget, reason: z.enum(DISCONNECTION_FAILURE_REASONS) }),
  ProviderTokenRefreshAttempted: z.object(connectionTarget),
  ProviderTokenRefreshSucceeded: z.object(connectionTarget),
  ProviderTokenRefreshFailed: z.object({
    ...connectionTarget,
    reason: z.enum(REFRESH_FAILURE_REASONS),
    needsUserAction: z.boolean(),
  }),
} satisfies { [T in DomainEventType]: z.ZodType<EventFields<T>, unknown> };

export const actorSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user"), userId: id }),
  z.object({ type: z.literal("system") }),
]);

const envelope = {
  eventId: uuidSchema,
  occurredAt: z.iso.datetime(),
  correlationId: uuidSchema,
  actor: actorSchema,
  ipAddress: z.string().max(100).nullable(),
  userAgent: z.string().max(1000).nullable(),
  requestId: z.string().max(200).nullable().default(null),
} satisfies Record<keyof EventEnvelope, z.ZodType>;

function eventSchema<T extends DomainEventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), ...FIELD_SCHEMAS[type].shape });
}

const domainEventSchema = z.discriminatedUnion("type", [
  eventSchema("ProviderConnectionAttempted"),
  eventSchema("ProviderConnectionSucceeded"),
  eventSchema("ProviderConnectionFailed"),
  eventSchema("ProviderDisconnectionAttempted"),
  eventSchema("ProviderDisconnectionSucceeded"),
  eventSchema("ProviderDisconnectionFailed"),
  eventSchema("ProviderTokenRefreshAttempted"),
  eventSchema("ProviderTokenRefreshSucceeded"),
  eventSchema("ProviderTokenRefreshFailed"),
]);

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    // Stryker disable next-line LogicalOperator,ConditionalExpression: Object.isFrozen is true for null and every primitive, so the type guards only skip work
    if (inner && typeof inner === "object" && !Object.isFrozen(inner)) deepFreeze(inner);
  }
  return Object.freeze(value);
}

/** Reads an event back from JSON (an outbox payload): validated, frozen, or an error. */
export function parseEvent(payload: unknown): DomainEvent {
  return deepFreeze(domainEventSchema.parse(payload) as DomainEvent);
}
