import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { crashAt, SimulatedCrash } from "@/lib/crash-point";
import { setLoggerForTesting } from "@/test/support/swap-singletons";
import { sampleEvents } from "@/test/support/sample-events";
import { createDispatcher, type HandlerRunRecord, type OutboxUpdate, type RunStore } from "./dispatcher";
import type { DomainEvent } from "./events";
import type { EventHandler } from "./handler";
import { HANDLER_RETRY_POLICY } from "../retry-policy";

const [attempted, succeeded] = sampleEvents();

function memoryStore() {
  const saved: { event: DomainEvent; runs: HandlerRunRecord[]; outbox: OutboxUpdate }[] = [];
  const store: RunStore = {
    async save(event, runs, outbox) {
      saved.push({ event, runs, outbox });
    },
  };
  return { store, saved };
}

function handler(name: string, receives: EventHandler["receives"], behaviour: (event: DomainEvent) => Promise<void>): EventHandler & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    receives,
    calls,
    async handle(event) {
      calls.push(event.eventId);
      await behaviour(event);
    },
  };
}

const ALL = ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"] as const;
let logs: Record<string, unknown>[];

beforeEach(() => {
  logs = [];
  setLoggerForTesting(pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) }));
});
afterEach(() => setLoggerForTesting(undefined));

describe("the dispatcher", () => {
  it("dispatches events recorded together handler by handler: each event's handlers in order, each handler's events in order", async () => {
    const order: string[] = [];
    const log = (name: string) => async (event: DomainEvent) => {
      order.push(`${name}:${event === attempted ? "attempted" : "succeeded"}:start`);
      // The first event's run is the slow one: the second must not overtake it within a stage.
      await new Promise((resolve) => setTimeout(resolve, event === attempted ? 5 : 0));
      order.push(`${name}:${event === attempted ? "attempted" : "succeeded"}:end`);
    };
    const first = handler("first", ALL, log("first"));
    const failing = handler("failing", ["ProviderConnectionAttempted"], async () => {
      throw new Error("down");
    });
    const third = handler("third", ALL, log("third"));
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({ handlers: [first, failing, third], store });

    const results = await dispatcher.dispatchAll([attempted, succeeded]);
    expect(order).toEqual([
      "first:attempted:start",
      "first:succeeded:start",
      "first:succeeded:end",
      "first:attempted:end",
      "third:attempted:start",
      "third:succeeded:start",
      "third:succeeded:end",
      "third:attempted:end",
    ]);
    // One event's failing handler is its own: the other event is processed.
    expect(results).toMatchObject([
      { processed: false, ran: ["first", "failing", "third"], failed: ["failing"], recorded: true },
      { processed: true, ran: ["first", "third"], failed: [], recorded: true },
    ]);
    expect(saved.map((s) => s.event)).toEqual([attempted, succeeded]);
  });

  it("runs the receivers of an event in their declared order, and only those", async () => {
    const order: string[] = [];
    const first = handler("first", ALL, async () => void order.push("first"));
    const onlySucceeded = handler("second", ["ProviderConnectionSucceeded"], async () => void order.push("second"));
    const third = handler("third", ALL, async () => void order.push("third"));
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({ handlers: [first, onlySucceeded, third], store });

    await dispatcher.dispatch(succeeded);
    expect(order).toEqual(["first", "second", "third"]);
    order.length = 0;
    await dispatcher.dispatch(attempted);
    expect(order).toEqual(["first", "third"]);
    expect(saved[0]!.outbox.processedAt).toBeInstanceOf(Date);
    expect(saved[0]!.runs.map((r) => [r.handler, r.status, r.attempts])).toEqual([
      ["first", "succeeded", 1],
      ["second", "succeeded", 1],
      ["third", "succeeded", 1],
    ]);
  });

  it("isolates a handler that throws: the others run, dispatch resolves, the failure is logged and scheduled", async () => {
    const before = handler("before", ALL, async () => {});
    const broken = handler("broken", ALL, async () => {
      throw new Error("SMTP is on fire");
    });
    const after = handler("after", ALL, async () => {});
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({ handlers: [before, broken, after], store });

    const result = await dispatcher.dispatch(succeeded);

    expect(after.calls).toEqual([succeeded.eventId]);
    expect(result).toMatchObject({ processed: false, failed: ["broken"], dead: [], recorded: true });
    const run = saved[0]!.runs.find((r) => r.handler === "broken")!;
    expect(run).toMatchObject({ status: "retrying", attempts: 1, lastError: "Error: SMTP is on fire" });
    expect(run.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + HANDLER_RETRY_POLICY.baseDelayMs - 1_000);
    expect(saved[0]!.outbox).toMatchObject({ processedAt: null, deadAt: null, nextAttemptAt: run.nextAttemptAt });
    const line = logs.find((l) => l.handler === "broken");
    expect(line).toMatchObject({ level: 50, eventId: succeeded.eventId, eventType: succeeded.type, attempts: 1 });
    expect(JSON.stringify(line)).toContain("SMTP is on fire");
  });

  it("treats a synchronous throw and a rejected non-Error the same way", async () => {
    const sync: EventHandler = {
      name: "sync",
      receives: ALL,
      handle: () => {
        throw new Error("sync boom");
      },
    };
    const weird = handler("weird", ALL, () => Promise.reject("a string"));
    const { store, saved } = memoryStore();
    const result = await createDispatcher({ handlers: [sync, weird], store }).dispatch(succeeded);
    expect(result.failed).toEqual(["sync", "weird"]);
    expect(saved[0]!.runs.map((r) => r.lastError)).toEqual(["Error: sync boom", "a string"]);
  });

  it("gives a handler that hangs a time limit", async () => {
    const hangs = handler("hangs", ALL, () => new Promise(() => {}));
    const next = handler("next", ALL, async () => {});
    const { store } = memoryStore();
    const result = await createDispatcher({ handlers: [hangs, next], store, handlerTimeoutMs: 20 }).dispatch(succeeded);
    expect(result.failed).toEqual(["hangs"]);
    expect(next.calls).toHaveLength(1);
  });

  it("marks a handler dead after its last attempt, and the outbox row with it", async () => {
    const broken = handler("broken", ALL, async () => {
      throw new Error("still broken");
    });
    const fine = handler("fine", ALL, async () => {});
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({ handlers: [fine, broken], store });
    const previousRuns = new Map([
      ["fine", { status: "succeeded" as const, attempts: 1 }],
      ["broken", { status: "retrying" as const, attempts: HANDLER_RETRY_POLICY.maxAttempts - 1 }],
    ]);

    const result = await dispatcher.dispatch(succeeded, { only: [broken], previousRuns });

    expect(fine.calls).toHaveLength(0);
    expect(result.dead).toEqual(["broken"]);
    expect(saved[0]!.runs).toEqual([
      expect.objectContaining({ handler: "broken", status: "dead", attempts: HANDLER_RETRY_POLICY.maxAttempts, nextAttemptAt: null }),
    ]);
    expect(saved[0]!.outbox.deadAt).toBeInstanceOf(Date);
    expect(logs.some((l) => l.handler === "broken" && String(l.msg).includes("marked dead"))).toBe(true);
  });

  it("completes the event when the retried handlers now succeed", async () => {
    const fine = handler("fine", ALL, async () => {});
    const healed = handler("healed", ALL, async () => {});
    const { store, saved } = memoryStore();
    const result = await createDispatcher({ handlers: [fine, healed], store }).dispatch(succeeded, {
      only: [healed],
      previousRuns: new Map([
        ["fine", { status: "succeeded" as const, attempts: 1 }],
        ["healed", { status: "retrying" as const, attempts: 2 }],
      ]),
    });
    expect(result.processed).toBe(true);
    expect(saved[0]!.runs).toEqual([expect.objectContaining({ handler: "healed", status: "succeeded", attempts: 3 })]);
  });

  it("runs a handler given in `only` that the registry does not list, after the listed ones", async () => {
    const order: string[] = [];
    const listed = handler("listed", ALL, async () => void order.push("listed"));
    const extra = handler("extra", ALL, async () => void order.push("extra"));
    const { store, saved } = memoryStore();
    const result = await createDispatcher({ handlers: [listed], store }).dispatch(succeeded, { only: [extra, listed] });
    expect(order).toEqual(["listed", "extra"]);
    expect(result.ran).toEqual(["listed", "extra"]);
    expect(saved[0]!.runs.map((r) => [r.handler, r.status])).toEqual([
      ["listed", "succeeded"],
      ["extra", "succeeded"],
    ]);
  });

  it("never throws, even when the store cannot record the runs", async () => {
    const store: RunStore = {
      save: async () => {
        throw new Error("database down");
      },
    };
    const result = await createDispatcher({ handlers: [handler("h", ALL, async () => {})], store }).dispatch(succeeded);
    expect(result).toMatchObject({ recorded: false, ran: ["h"] });
    expect(logs.some((l) => l.eventId === succeeded.eventId && String(l.msg).includes("recovery pass"))).toBe(true);
  });

  it("runs handlers with the event's correlation id in the request context", async () => {
    const { getRequestContext } = await import("../request-context");
    let seen: string | undefined;
    const probe = handler("probe", ALL, async () => {
      seen = getRequestContext()?.correlationId;
    });
    await createDispatcher({ handlers: [probe], store: memoryStore().store }).dispatch(succeeded);
    expect(seen).toBe(succeeded.correlationId);
  });
});

describe("the dispatcher's bookkeeping, precisely", () => {
  const fails = (message: string) => async () => {
    throw new Error(message);
  };

  it("schedules the outbox row at the earliest retry among failed handlers", async () => {
    const now = new Date("2026-11-27T10:00:00Z");
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({ handlers: [handler("a", ALL, fails("a")), handler("b", ALL, fails("b"))], store });
    // "a" has failed before (its wait is longer), "b" fails for the first time.
    await dispatcher.dispatch(succeeded, { now: () => now, previousRuns: new Map([["a", { status: "retrying", attempts: 3 }]]) });
    const [a, b] = saved[0]!.runs;
    expect(b!.nextAttemptAt!.getTime()).toBeLessThan(a!.nextAttemptAt!.getTime());
    expect(saved[0]!.outbox).toEqual({ processedAt: null, deadAt: null, nextAttemptAt: b!.nextAttemptAt });

    saved.length = 0;
    const reversed = createDispatcher({ handlers: [handler("b", ALL, fails("b")), handler("a", ALL, fails("a"))], store });
    await reversed.dispatch(succeeded, { now: () => now, previousRuns: new Map([["a", { status: "retrying", attempts: 3 }]]) });
    expect(saved[0]!.outbox.nextAttemptAt).toEqual(saved[0]!.runs.find((r) => r.handler === "b")!.nextAttemptAt);
  });

  it("logs a retried failure as such, names a timeout, and keeps at most 1,000 characters of an error", async () => {
    const { store, saved } = memoryStore();
    const slow = handler("slow", ALL, () => new Promise(() => undefined));
    const long = handler("long", ALL, fails("x".repeat(5_000)));
    const dispatcher = createDispatcher({ handlers: [slow, long], store, handlerTimeoutMs: 20 });
    const result = await dispatcher.dispatch(succeeded);
    expect(result).toMatchObject({ processed: false, failed: ["slow", "long"], dead: [], recorded: true });
    expect(saved[0]!.runs[0]!.lastError).toBe('Error: handler "slow" timed out after 20 ms');
    expect(saved[0]!.runs[1]!.lastError).toHaveLength(1_000);
    expect(logs.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      'event handler "slow" failed; it will be retried',
      'event handler "long" failed; it will be retried',
    ]);
  });

  it("records a handler that throws a nullish value as failed", async () => {
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({
      handlers: [
        handler("nullish", ALL, async () => {
          throw undefined;
        }),
      ],
      store,
    });
    await dispatcher.dispatch(succeeded);
    expect(saved[0]!.runs[0]).toMatchObject({ status: "retrying", lastError: "Error: handler threw a nullish value" });
  });

  it("stops dead at the crash point after the audit handler, as a killed process would: audit ran, email did not, nothing recorded", async () => {
    const logging = handler("logging", ALL, async () => {});
    const audit = handler("audit", ALL, async () => {});
    const email = handler("email", ALL, async () => {});
    const { store, saved } = memoryStore();
    const dispatcher = createDispatcher({ handlers: [logging, audit, email], store });
    const undo = crashAt("events:after-audit-handler");
    try {
      await expect(dispatcher.dispatch(succeeded)).rejects.toBeInstanceOf(SimulatedCrash);
    } finally {
      undo();
    }
    expect([logging.calls, audit.calls, email.calls].map((calls) => calls.length)).toEqual([1, 1, 0]);
    expect(saved).toEqual([]);
  });

  it("a pass that runs some receivers leaves the others due now, with or without earlier runs on record", async () => {
    const now = new Date("2026-12-07T12:00:00.000Z");
    const first = handler("first", ALL, async () => {});
    const second = handler("second", ALL, async () => {});
    for (const previousRuns of [undefined, new Map()]) {
      const { store, saved } = memoryStore();
      const result = await createDispatcher({ handlers: [first, second], store }).dispatch(succeeded, { only: [first], previousRuns, now: () => now });
      expect(result).toMatchObject({ processed: false, ran: ["first"], failed: [], recorded: true });
      expect(saved[0]!.outbox).toEqual({ processedAt: null, deadAt: null, nextAttemptAt: now });
    }
  });

  it("leaves no timer behind once a handler finishes within its time limit", async () => {
    vi.useFakeTimers();
    try {
      const quick = handler("quick", ALL, async () => {});
      const { store } = memoryStore();
      await createDispatcher({ handlers: [quick], store, handlerTimeoutMs: 60_000 }).dispatch(succeeded);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
