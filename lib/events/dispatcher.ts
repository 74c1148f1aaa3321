/**
 * The in-process dispatcher. It runs the handlers that receive an event one after another,
 * in their declared order; a handler that throws (or hangs past its time limit) is logged
 * with the event id and scheduled for a retry, and the others still run. `dispatch` never
 * throws: the user's request must not fail because an email could not be sent.
 *
 * It is storage-agnostic: a `RunStore` persists what happened (lib/events/handler-run-store.ts
 * writes `event_handler_runs` and the outbox row; tests and the benchmark use their own).
 */
import { crashPoint, isSimulatedCrash } from "../crash-point";
import { getLogger } from "../logger";
import { getRequestContext, runWithRequestContext } from "../request-context";
import type { DomainEvent, DomainEventType } from "./events";
import type { EventHandler } from "./handler";
import { HANDLER_RETRY_POLICY, nextAttemptAt, type RetryPolicy } from "../retry-policy";

export type HandlerRunStatus = "succeeded" | "retrying" | "dead";

export interface HandlerRunRecord {
  handler: string;
  status: HandlerRunStatus;
  /** Tries so far, this one included. */
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
}

/** The outbox row's new state: exactly one of the three is set. */
export interface OutboxUpdate {
  processedAt: Date | null;
  deadAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface RunStore {
  save(event: DomainEvent, runs: HandlerRunRecord[], outbox: OutboxUpdate): Promise<void>;
}

/** What a handler's earlier runs left behind (the recovery pass loads it). */
export interface PreviousRun {
  status: HandlerRunStatus;
  attempts: number;
}

export interface DispatchOptions {
  /** Run only these handlers (the ones that did not finish); default: every receiver. */
  only?: readonly EventHandler[];
  previousRuns?: ReadonlyMap<string, PreviousRun>;
  now?: () => Date;
}

export interface DispatchResult {
  /** Every receiver of the event has now succeeded. */
  processed: boolean;
  ran: string[];
  failed: string[];
  /** Handlers given up on in this dispatch. */
  dead: string[];
  /** Whether the store saved the outcome (false: the recovery pass will run them again). */
  recorded: boolean;
}

export interface Dispatcher {
  dispatch(event: DomainEvent, options?: DispatchOptions): Promise<DispatchResult>;
  handlersFor(type: DomainEventType): readonly EventHandler[];
}

export interface DispatcherOptions {
  /** In the order they must run. */
  handlers: readonly EventHandler[];
  store: RunStore;
  retryPolicy?: RetryPolicy;
  /** A handler still running after this long counts as failed (its work may still finish; handlers are idempotent). */
  handlerTimeoutMs?: number;
}

const NO_HANDLERS: readonly EventHandler[] = Object.freeze([]);

export function createDispatcher({
  handlers,
  store,
  retryPolicy = HANDLER_RETRY_POLICY,
  handlerTimeoutMs = 30_000,
}: DispatcherOptions): Dispatcher {
  const byType = new Map<DomainEventType, EventHandler[]>();
  for (const handler of handlers) {
    for (const type of handler.receives) {
      const list = byType.get(type) ?? [];
      list.push(handler);
      byType.set(type, list);
    }
  }
  const handlersFor = (type: DomainEventType): readonly EventHandler[] => byType.get(type) ?? NO_HANDLERS;

  async function run(event: DomainEvent, options: DispatchOptions): Promise<DispatchResult> {
    const receivers = handlersFor(event.type);
    const toRun = options.only ?? receivers;
    const outcomes: { handler: string; error: unknown }[] = [];
    for (const handler of toRun) {
      try {
        await withTimeout(handler.handle(event), handlerTimeoutMs, handler.name);
        outcomes.push({ handler: handler.name, error: undefined });
      } catch (error) {
        outcomes.push({ handler: handler.name, error: error ?? new Error("handler threw a nullish value") });
      }
      if (handler.name === "audit") crashPoint("events:after-audit-handler");
    }

    const now = (options.now ?? (() => new Date()))();
    const runs: HandlerRunRecord[] = [];
    const result: DispatchResult = { processed: false, ran: [], failed: [], dead: [], recorded: false };
    for (const { handler, error } of outcomes) {
      const attempts = (options.previousRuns?.get(handler)?.attempts ?? 0) + 1;
      result.ran.push(handler);
      if (error === undefined) {
        runs.push({ handler, status: "succeeded", attempts, lastError: null, nextAttemptAt: null });
        continue;
      }
      const retryAt = nextAttemptAt(retryPolicy, attempts, now);
      const status = retryAt ? "retrying" : "dead";
      runs.push({ handler, status, attempts, lastError: describeError(error), nextAttemptAt: retryAt });
      result.failed.push(handler);
      if (!retryAt) result.dead.push(handler);
      const line = { err: error, eventId: event.eventId, eventType: event.type, handler, attempts, nextAttemptAt: retryAt };
      if (retryAt) getLogger().error(line, `event handler "${handler}" failed; it will be retried`);
      else getLogger().error(line, `event handler "${handler}" failed for the last time; it is marked dead`);
    }

    const outbox = outboxState(receivers, runs, options.previousRuns, now);
    result.processed = outbox.processedAt !== null;
    try {
      await store.save(event, runs, outbox);
      result.recorded = true;
    } catch (error) {
      getLogger().error(
        { err: error, eventId: event.eventId, eventType: event.type },
        "could not record the event's handler runs; the recovery pass will run them again",
      );
    }
    return result;
  }

  return {
    handlersFor,
    dispatch(event, options = {}) {
      // Every line a handler logs carries the event's correlation id, in a request or not.
      const run$ = () =>
        run(event, options).catch((error: unknown) => {
          // A test's simulated crash stops everything, as a killed process would.
          if (isSimulatedCrash(error)) throw error;
          // Unreachable by design; the promise to callers is "never throws".
          getLogger().error({ err: error, eventId: event.eventId }, "event dispatch failed");
          return { processed: false, ran: [], failed: [], dead: [], recorded: false };
        });
      return getRequestContext()?.correlationId === event.correlationId
        ? run$()
        : runWithRequestContext({ correlationId: event.correlationId }, run$);
    },
  };
}

function outboxState(
  receivers: readonly EventHandler[],
  runs: HandlerRunRecord[],
  previous: ReadonlyMap<string, PreviousRun> | undefined,
  now: Date,
): OutboxUpdate {
  let allSucceeded = true;
  let retryAt: Date | null = null;
  for (const handler of receivers) {
    const ran = runs.find((r) => r.handler === handler.name);
    const status = ran?.status ?? previous?.get(handler.name)?.status;
    if (status === "succeeded") continue;
    allSucceeded = false;
    if (status === "dead") continue;
    // Retrying, or never ran (not due to run yet in this pass): due at its backoff, or now.
    const at = ran?.nextAttemptAt ?? now;
    if (!retryAt || at < retryAt) retryAt = at;
  }
  if (allSucceeded) return { processedAt: now, deadAt: null, nextAttemptAt: null };
  if (retryAt) return { processedAt: null, deadAt: null, nextAttemptAt: retryAt };
  return { processedAt: null, deadAt: now, nextAttemptAt: null };
}

function withTimeout(promise: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler "${name}" timed out after ${ms} ms`)), ms);
  });
  // A handler that settles after its time ran out must not become an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Kept in `event_handler_runs.last_error`: the error's name and message, bounded. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 1_000);
}
