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
  /**
   * Dispatches events recorded together (a use-case's Attempted event and its outcome), handler
   * by handler: each event's handlers still run in their order, and each handler sees the events
   * in the order given. Never throws.
   */
  dispatchAll(events: readonly DomainEvent[], options?: DispatchOptions): Promise<DispatchResult[]>;
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

  interface Planned {
    event: DomainEvent;
    toRun: readonly EventHandler[];
    outcomes: { handler: string; error: unknown }[];
  }

  /** Runs `fn` with the event's correlation id in the request context (its log lines carry it). */
  const inEventContext = <T>(event: DomainEvent, fn: () => T): T =>
    // Stryker disable next-line ConditionalExpression: a nested context inherits the rest from its parent; reusing the current one only saves work.
    getRequestContext()?.correlationId === event.correlationId ? fn() : runWithRequestContext({ correlationId: event.correlationId }, fn);

  /**
   * Runs the handlers stage by stage, in their declared order: each stage starts one handler for
   * every event it receives, in the events' order, and waits for them all. So each event's
   * handlers run one after another in their order, and the events of one batch issue each
   * stage's writes together and in order (the audit rows of an Attempted event and its outcome
   * share one append, in that order: lib/db/group-commit.ts).
   */
  async function runHandlers(planned: Planned[]): Promise<void> {
    // A handler given in `only` that the registry does not list runs after the listed ones.
    const unlisted = [...new Set(planned.flatMap((p) => p.toRun))].filter((h) => !handlers.includes(h));
    for (const handler of [...handlers, ...unlisted]) {
      const stage = planned.filter((p) => p.toRun.includes(handler));
      // Stryker disable next-line ConditionalExpression: an empty stage runs nothing either way; skipping it only saves work.
      if (stage.length === 0) continue;
      await Promise.all(
        stage.map(async (p) => {
          try {
            await inEventContext(p.event, () => withTimeout(handler.handle(p.event), handlerTimeoutMs, handler.name));
            p.outcomes.push({ handler: handler.name, error: undefined });
          } catch (error) {
            p.outcomes.push({ handler: handler.name, error: error ?? new Error("handler threw a nullish value") });
          }
        }),
      );
      if (handler.name === "audit") for (const _ of stage) crashPoint("events:after-audit-handler");
    }
  }

  /** What the runs of one event come to: logged, and saved with the outbox row's new state. */
  async function record(event: DomainEvent, outcomes: Planned["outcomes"], options: DispatchOptions): Promise<DispatchResult> {
    const receivers = handlersFor(event.type);
    const now = (options.now ?? (() => new Date()))();
    const runs: HandlerRunRecord[] = [];
    // Stryker disable next-line BooleanLiteral: `processed` is always set from the outbox state below.
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

  async function run(events: readonly DomainEvent[], options: DispatchOptions): Promise<DispatchResult[]> {
    const planned: Planned[] = events.map((event) => ({ event, toRun: options.only ?? handlersFor(event.type), outcomes: [] }));
    await runHandlers(planned);
    // Saved together: one statement for the batch (lib/events/handler-run-store.ts).
    return Promise.all(planned.map((p) => inEventContext(p.event, () => record(p.event, p.outcomes, options))));
  }

  function dispatchAll(events: readonly DomainEvent[], options: DispatchOptions = {}): Promise<DispatchResult[]> {
    return run(events, options).catch((error: unknown) => {
      // A test's simulated crash stops everything, as a killed process would.
      if (isSimulatedCrash(error)) throw error;
      // Unreachable by design; the promise to callers is "never throws".
      getLogger().error({ err: error, eventIds: events.map((e) => e.eventId) }, "event dispatch failed");
      return events.map(() => ({ processed: false, ran: [], failed: [], dead: [], recorded: false }));
    });
  }

  return {
    handlersFor,
    dispatchAll,
    async dispatch(event, options = {}) {
      const [result] = await dispatchAll([event], options);
      return result!;
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
