import { appendAuditLog } from "../../audit/append-audit-log";
import { auditEntryFromEvent } from "../../audit/audit-entry";
import { EVENT_TYPES } from "../event-catalog";
import { defineHandler } from "../handler";
import { providerDisplayName } from "../provider-name";

/** One row per event in the hash-chained `audit_logs`; a second run for the same event adds nothing. */
export const auditHandler = defineHandler({
  name: "audit",
  receives: EVENT_TYPES,
  async handle(event) {
    await appendAuditLog(
      auditEntryFromEvent(event, { providerName: providerDisplayName(event.providerSlug), recordedAt: new Date() }),
    );
  },
});
