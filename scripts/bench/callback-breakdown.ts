/**
 * Where a callback's time goes, read back from the rows it wrote (all clocks are this
 * machine's): the ProviderConnectionSucceeded event's id (a UUID v7, made once the code
 * was exchanged), then the end of the response (the activation is committed by then).
 * The handlers run after the response (Next's `after()`): the audit row's `recorded_at`
 * (the audit handler starts), the email delivery's `created_at` (audit appended, template
 * rendered) and `sent_at` (the SMTP conversation over).
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
  /** The activating transaction and its commit, the redirect answered and received. */
  activateAndRespond: Summary;
  /** After the response: from its end until the handlers start (log line, then audit). */
  handlersStart: Summary;
  /** After the response: the audit row appended (hash chain), the email rendered. */
  auditAndEmailRender: Summary;
  /** After the response: the email handed to the SMTP server. */
  emailSmtp: Summary;
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
  const spans = {
    toCodeExchanged: [] as number[],
    activateAndRespond: [] as number[],
    handlersStart: [] as number[],
    auditAndEmailRender: [] as number[],
    emailSmtp: [] as number[],
  };
  for (const window of windows) {
    const row = byConnection.get(window.connectionId);
    if (!row?.created_at || !row.sent_at) continue;
    const exchanged = uuidv7Millis(row.event_id);
    const audited = Date.parse(row.recorded_at);
    const rendered = Date.parse(row.created_at);
    const sent = Date.parse(row.sent_at);
    spans.toCodeExchanged.push(exchanged - window.callbackStartedAt);
    spans.activateAndRespond.push(window.callbackEndedAt - exchanged);
    spans.handlersStart.push(audited - window.callbackEndedAt);
    spans.auditAndEmailRender.push(rendered - audited);
    spans.emailSmtp.push(sent - rendered);
  }
  return {
    toCodeExchanged: summarize(spans.toCodeExchanged),
    activateAndRespond: summarize(spans.activateAndRespond),
    handlersStart: summarize(spans.handlersStart),
    auditAndEmailRender: summarize(spans.auditAndEmailRender),
    emailSmtp: summarize(spans.emailSmtp),
    flowsMatched: spans.toCodeExchanged.length,
  };
}
