import type { DomainEvent, DomainEventType, EventOf } from "./events";

/**
 * A subscriber: the event types it receives and what it does with one. Handlers must be
 * idempotent (the recovery pass may run one again for the same event) and must not rely on
 * running in the user's request.
 */
export interface EventHandler {
  /** Stable: it keys `event_handler_runs` rows. */
  readonly name: string;
  readonly receives: readonly DomainEventType[];
  handle(event: DomainEvent): Promise<void>;
}

/**
 * Declares a handler with its `handle` typed for exactly the events it receives. The
 * dispatcher only ever passes it those (it indexes handlers by `receives`).
 */
export function defineHandler<T extends DomainEventType>(handler: {
  readonly name: string;
  readonly receives: readonly T[];
  handle(event: EventOf<T>): Promise<void>;
}): EventHandler {
  return handler as unknown as EventHandler;
}
