import { describe, expect, it } from "vitest";

import { EVENT_TYPES } from "./event-catalog";
import { EVENT_HANDLERS, dispatcher, handlerMatrix } from "./registry";

/**
 * DESIGN.md §2, written out by hand: which handlers receive which event, in run order.
 * (The email handler receives TokenRefreshFailed and sends only when needsUserAction.)
 * A new event type fails here until it is added to this table and to its handlers.
 */
const DESIGN_MATRIX = {
  ProviderConnectionAttempted: ["logging", "audit"],
  ProviderConnectionSucceeded: ["logging", "audit", "email"],
  ProviderConnectionFailed: ["logging", "audit"],
  ProviderDisconnectionAttempted: ["logging", "audit"],
  ProviderDisconnectionSucceeded: ["logging", "audit", "email"],
  ProviderDisconnectionFailed: ["logging", "audit"],
  ProviderTokenRefreshAttempted: ["logging", "audit"],
  ProviderTokenRefreshSucceeded: ["logging", "audit"],
  ProviderTokenRefreshFailed: ["logging", "audit", "email"],
};

describe("the handler registry", () => {
  it("matches the design's matrix for exactly the nine events", () => {
    expect(EVENT_TYPES).toEqual(Object.keys(DESIGN_MATRIX));
    expect(handlerMatrix()).toEqual(DESIGN_MATRIX);
  });

  it("runs handlers in the declared order: logging, audit, email", () => {
    expect(EVENT_HANDLERS.map((h) => h.name)).toEqual(["logging", "audit", "email"]);
    for (const type of EVENT_TYPES) {
      expect(dispatcher.handlersFor(type).map((h) => h.name)).toEqual(DESIGN_MATRIX[type]);
    }
  });

  it("has unique handler names (they key event_handler_runs)", () => {
    const names = EVENT_HANDLERS.map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("only subscribes handlers to known event types", () => {
    for (const handler of EVENT_HANDLERS) {
      for (const type of handler.receives) expect(EVENT_TYPES).toContain(type);
    }
  });
});
