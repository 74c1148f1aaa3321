import { appendAuditLog } from "../../audit/append-audit-log";
import { auditEntryFromEvent } from "./audit-entry-from-event";
import { EVENT_TYPES } from "../event-catalog";
import { defineHandler } from "../handler";
import { providerName } from "../../providers/find-provider";

/** One row per event in the hash-chained `audit_logs`; a second run for the same event adds nothing. */
export const auditHandler = defineHandler({
  name: "audit",
  receives: EVENT_TYPES,
  async handle(event) {
    await appendAuditLog(
      auditEntryFromEvent(event, { providerName: providerName(event.providerSlug), recordedAt: new Date() }),
    );
  },
});
