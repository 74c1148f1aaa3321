/**
 * Where a callback's time goes, read back from the rows it wrote (all clocks are this
 * machine's): the ProviderConnectionSucceeded event's id (a UUID v7, made once the code
 * was exchanged), its audit row's `recorded_at` (stamped when the audit handler starts:
 * after the commit and the log line), the email delivery's `created_at` (after the audit
 * append and the template render) and `sent_at` (after the SMTP conversation).
 * Millisecond resolution: a sketch of the spans, not a profile.
 */
import { sql } from "drizzle-orm";

import { queryRows, type Executor } from "../../lib/db/client";
import { summarize, type Summary } from "./stats";

export interface CallbackWindow {
  connectionId: string;
  callbackStartedAt: number;
  callbackEndedAt: number;
}

export interface CallbackBreakdown {
  /** Session lookup, state consumed, code exchanged at the bank. */
  toCodeExchanged: Summary;
  /** The activating transaction and its commit, the log line. */
  activateAndLog: Summary;
  /** The audit row appended (hash chain), then the "connected" email rendered (React Email). */
  auditAndEmailRender: Summary;
  /** The email handed to the SMTP server. */
  emailSmtp: Summary;
  /** Handler runs recorded, the redirect answered and received. */
  afterEmail: Summary;
  flowsMatched: number;
}

const uuidv7Millis = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

export async function callbackBreakdown(db: Executor, windows: readonly CallbackWindow[]): Promise<CallbackBreakdown> {
  const rows = await queryRows<{ connection_id: string; event_id: string; recorded_at: string; created_at: string | null; sent_at: string | null }>(
    db,
    sql`select a.connection_id::text, a.event_id::text, a.recorded_at::text, d.created_at::text, d.sent_at::text
        from audit_logs a left join email_deliveries d on d.event_id = a.event_id
        where a.action = 'provider_connected'`,
  );
  const byConnection = new Map(rows.map((row) => [row.connection_id, row]));
  const spans = { toCodeExchanged: [] as number[], activateAndLog: [] as number[], auditAndEmailRender: [] as number[], emailSmtp: [] as number[], afterEmail: [] as number[] };
  for (const window of windows) {
    const row = byConnection.get(window.connectionId);
    if (!row?.created_at || !row.sent_at) continue;
    const exchanged = uuidv7Millis(row.event_id);
    const audited = Date.parse(row.recorded_at);
    const rendered = Date.parse(row.created_at);
    const sent = Date.parse(row.sent_at);
    spans.toCodeExchanged.push(exchanged - window.callbackStartedAt);
    spans.activateAndLog.push(audited - exchanged);
    spans.auditAndEmailRender.push(rendered - audited);
    spans.emailSmtp.push(sent - rendered);
    spans.afterEmail.push(window.callbackEndedAt - sent);
  }
  return {
    toCodeExchanged: summarize(spans.toCodeExchanged),
    activateAndLog: summarize(spans.activateAndLog),
    auditAndEmailRender: summarize(spans.auditAndEmailRender),
    emailSmtp: summarize(spans.emailSmtp),
    afterEmail: summarize(spans.afterEmail),
    flowsMatched: spans.toCodeExchanged.length,
  };
}
