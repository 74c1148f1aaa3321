import { getRequestContext, type Actor } from "../request-context";
import { actorSchema, FIELD_SCHEMAS, uuidSchema } from "./event-schemas";
import type { DomainEventType, EventFields, EventOf } from "./events";
import { uuidv7 } from "../db/uuid-v7";

export interface CreateEventOptions {
  /** Defaults to the request context's correlation id, else a new one (an Attempted event starts a chain). */
  correlationId?: string;
  /** Defaults to the request context's actor, else `system`. */
  actor?: Actor;
  /** Default to the request context's values (null outside a request). */
  ipAddress?: string | null;
  userAgent?: string | null;
  /** Defaults to now. */
  occurredAt?: Date;
}

const SYSTEM: Actor = Object.freeze({ type: "system" });
/** C0 controls and DEL: never part of a real IP or user agent, and Postgres refuses NUL. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Header-derived text: no control characters (Postgres refuses NUL), bounded length. */
function cleanHeader(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = value.replace(CONTROL_CHARACTERS, "").trim().slice(0, max);
  return cleaned === "" ? null : cleaned;
}

/**
 * Makes an event: checks `fields` against the event's schema (undeclared fields are dropped,
 * so a credential passed by mistake never gets in), fills the envelope from `options` and the
 * request context, and freezes the result. Throws a TypeError on invalid fields: a
 * programming error at the call site, not something to publish.
 */
export function createEvent<T extends DomainEventType>(
  type: T,
  fields: EventFields<T>,
  options: CreateEventOptions = {},
): EventOf<T> {
  const parsedFields = FIELD_SCHEMAS[type].safeParse(fields);
  if (!parsedFields.success) {
    throw new TypeError(`${type}: invalid fields: ${describeIssues(parsedFields.error.issues)}`);
  }
  const context = getRequestContext();
  const actor = actorSchema.safeParse(options.actor ?? context?.actor ?? SYSTEM);
  if (!actor.success) throw new TypeError(`${type}: invalid actor: ${describeIssues(actor.error.issues)}`);
  const correlationId = uuidSchema.safeParse(options.correlationId ?? context?.correlationId ?? uuidv7());
  if (!correlationId.success) throw new TypeError(`${type}: correlationId must be a UUID`);

  const event = {
    eventId: uuidv7(),
    type,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    correlationId: correlationId.data,
    ...parsedFields.data,
    actor: Object.freeze(actor.data),
    ipAddress: cleanHeader(options.ipAddress !== undefined ? options.ipAddress : context?.ipAddress, 100),
    userAgent: cleanHeader(options.userAgent !== undefined ? options.userAgent : context?.userAgent, 1000),
    requestId: context?.requestId ?? null,
  };
  return Object.freeze(event) as unknown as EventOf<T>;
}

// Paths and messages only: never the offending value, which could be a secret.
function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`).join("; ");
}
