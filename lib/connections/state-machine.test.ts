import { describe, expect, it } from "vitest";

import {
  CONNECTION_ACTIONS,
  CONNECTION_STATUSES,
  InvalidTransitionError,
  assertTransition,
  isConnectionStatus,
  isTerminal,
  needsUser,
  transition,
  type ConnectionAction,
  type ConnectionStatus,
} from "./state-machine";

// The lifecycle of DESIGN.md §3, written out by hand: every status × action, `null` = refused.
// Kept independent of the implementation's table on purpose.
const EXPECTED: Record<ConnectionStatus, Record<ConnectionAction, ConnectionStatus | null>> = {
  pending: {
    activate: "active",
    fail: "failed",
    expire: null,
    revoke: null,
    disconnect: "disconnected",
    refresh: null,
  },
  active: {
    activate: null,
    fail: null,
    expire: "expired",
    revoke: "revoked",
    disconnect: "disconnected",
    refresh: "active",
  },
  expired: {
    activate: "active",
    fail: null,
    expire: null,
    revoke: null,
    disconnect: "disconnected",
    refresh: null,
  },
  revoked: {
    activate: "active",
    fail: null,
    expire: null,
    revoke: null,
    disconnect: "disconnected",
    refresh: null,
  },
  failed: {
    activate: "active",
    fail: null,
    expire: null,
    revoke: null,
    disconnect: "disconnected",
    refresh: null,
  },
  disconnected: {
    activate: null,
    fail: null,
    expire: null,
    revoke: null,
    disconnect: null,
    refresh: null,
  },
};

const cases = Object.entries(EXPECTED).flatMap(([from, row]) =>
  Object.entries(row).map(([action, to]) => ({
    from: from as ConnectionStatus,
    action: action as ConnectionAction,
    to,
  })),
);

describe("connection state machine", () => {
  it("covers exactly six statuses and six actions, in the database enum's order", () => {
    expect(CONNECTION_STATUSES).toEqual(["pending", "active", "expired", "revoked", "failed", "disconnected"]);
    expect([...CONNECTION_ACTIONS].sort()).toEqual(
      ["activate", "disconnect", "expire", "fail", "refresh", "revoke"],
    );
    expect(cases).toHaveLength(36);
  });

  it.each(cases.filter((c) => c.to !== null))("allows $action from $from → $to", ({ from, action, to }) => {
    expect(transition(from, action)).toEqual({ ok: true, to });
    expect(assertTransition(from, action)).toBe(to);
  });

  it.each(cases.filter((c) => c.to === null))("refuses $action from $from", ({ from, action }) => {
    const result = transition(from, action);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(action);
      expect(result.error).toContain(from);
    }
    let thrown: unknown;
    try {
      assertTransition(from, action);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTransitionError);
    expect(thrown).toMatchObject({ name: "InvalidTransitionError", from, action });
  });

  it("marks expired, revoked and failed as needing the user, and nothing else", () => {
    expect(CONNECTION_STATUSES.filter(needsUser)).toEqual(["expired", "revoked", "failed"]);
  });

  it("treats only disconnected as terminal", () => {
    expect(CONNECTION_STATUSES.filter(isTerminal)).toEqual(["disconnected"]);
  });

  it("recognises status strings read from outside the type system", () => {
    expect(isConnectionStatus("active")).toBe(true);
    expect(isConnectionStatus("deleted")).toBe(false);
    expect(isConnectionStatus("constructor")).toBe(false);
  });

  it("refuses unknown values at run time instead of crashing", () => {
    expect(transition("active", "toString" as ConnectionAction).ok).toBe(false);
    expect(transition("constructor" as ConnectionStatus, "refresh").ok).toBe(false);
  });
});
