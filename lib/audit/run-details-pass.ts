/**
 * A run's details on the admin timeline (its events, their metadata, its emails) are part of
 * the recorded view that listed it, as when they were sent inside the page itself: the page
 * gives each run a pass naming that view (the event id of its `audit_log_viewed` row), the
 * admin and the run, signed with a key derived from AUTH_SECRET, and opening the run presents
 * it (app/admin/audit/actions.ts). No other request reads a run's details without a record:
 * a run that is not on a recorded view is opened through its own view (`?correlation=…`).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

import { uuidv7Timestamp } from "../db/uuid-v7";
import { env } from "../env";

/** How long a page's passes open its runs: a page left open for a working day still works. */
export const RUN_DETAILS_PASS_HOURS = 12;

interface PassFor {
  /** The view's audit row (a UUID v7: it carries the time the view was recorded). */
  viewId: string;
  adminId: string;
  correlationId: string;
}

export function runDetailsPass({ viewId, adminId, correlationId }: PassFor): string {
  return createHmac("sha256", env.auditRunDetailsKey).update(`${viewId}\n${adminId}\n${correlationId}`).digest("base64url");
}

export type PassCheck = "valid" | "forged" | "expired";

export function checkRunDetailsPass({ pass, now = new Date(), ...forWhat }: PassFor & { pass: string; now?: Date }): PassCheck {
  const expected = Buffer.from(runDetailsPass(forWhat));
  const given = Buffer.from(pass);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "forged";
  const age = now.getTime() - uuidv7Timestamp(forWhat.viewId);
  return age >= 0 && age <= RUN_DETAILS_PASS_HOURS * 3_600_000 ? "valid" : "expired";
}
