/**
 * The connection lifecycle of DESIGN.md §3, in one place. Use-cases ask this module
 * before they write a status, so an impossible change (reviving a disconnected row,
 * refreshing an expired grant) is refused here instead of being discovered in the audit
 * trail later.
 */

/** Every status a connection row can hold; also the values of the database enum. */
export const CONNECTION_STATUSES = ["pending", "active", "expired", "revoked", "failed", "disconnected"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const CONNECTION_ACTIONS = ["activate", "fail", "expire", "revoke", "disconnect", "refresh"] as const;
export type ConnectionAction = (typeof CONNECTION_ACTIONS)[number];

export type TransitionResult = { ok: true; to: ConnectionStatus } | { ok: false; error: string };

// Written out as a table rather than rules so a reader can check it against the design
// at a glance; an action absent for a status is refused.
const TRANSITIONS: Record<ConnectionAction, Partial<Record<ConnectionStatus, ConnectionStatus>>> = {
  // A first connection completes, or a reconnect re-activates the same row.
  activate: { pending: "active", expired: "active", revoked: "active", failed: "active" },
  fail: { pending: "failed" },
  expire: { active: "expired" },
  revoke: { active: "revoked" },
  // Disconnecting stays possible from every live state, including a connection stuck
  // half-way (pending) or waiting for the user; the row is kept for the audit trail.
  disconnect: {
    pending: "disconnected",
    active: "disconnected",
    expired: "disconnected",
    revoked: "disconnected",
    failed: "disconnected",
  },
  // Only a working grant can be refreshed; the others need the user to reconnect.
  refresh: { active: "active" },
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: ConnectionStatus,
    readonly action: ConnectionAction,
    message: string,
  ) {
    super(message);
    this.name = "InvalidTransitionError";
  }
}

export function transition(from: ConnectionStatus, action: ConnectionAction): TransitionResult {
  // Own-property checks: statuses read from a database or a form must not reach
  // `Object.prototype` members such as "constructor".
  const row = Object.hasOwn(TRANSITIONS, action) ? TRANSITIONS[action] : undefined;
  const to = row && Object.hasOwn(row, from) ? row[from] : undefined;
  if (to === undefined) return { ok: false, error: `cannot ${action} a connection that is ${from}` };
  return { ok: true, to };
}

/** The status after `action`, or an `InvalidTransitionError` when the lifecycle forbids it. */
export function assertTransition(from: ConnectionStatus, action: ConnectionAction): ConnectionStatus {
  const result = transition(from, action);
  if (!result.ok) throw new InvalidTransitionError(from, action, result.error);
  return result.to;
}

/** True when only the user can fix the connection: the dashboard offers Reconnect. */
export function needsUser(status: ConnectionStatus): boolean {
  return status === "expired" || status === "revoked" || status === "failed";
}

/** True when no action can change the status again. */
export function isTerminal(status: ConnectionStatus): boolean {
  return status === "disconnected";
}

export function isConnectionStatus(value: string): value is ConnectionStatus {
  return (CONNECTION_STATUSES as readonly string[]).includes(value);
}
