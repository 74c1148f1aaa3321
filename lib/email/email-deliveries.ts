/**
 * Durable, idempotent email delivery. Every notification gets one `email_deliveries` row
 * keyed on (event, template) with the rendered message and a deterministic Message-ID, so:
 * - a second attempt to deliver the same notification finds the row and sends nothing;
 * - a failed send is retried with exponential backoff by the recovery pass, never with a
 *   sleep in the user's request; after the last try the row is `failed` and stays visible;
 * - whoever sends holds a lease (`next_attempt_at` in the future), so two processes never
 *   send the same row at once. A process that dies mid-send leaves the lease to expire.
 */
import { eq, sql } from "drizzle-orm";

import { getDb, queryRows } from "../db/client";
import { emailDeliveries, type EmailDelivery } from "../db/schema";
import { EMAIL_RETRY_POLICY, nextAttemptAt } from "../retry-policy";
import { groupCommit } from "../db/group-commit";
import { jsonRows } from "../db/json-rows";
import { queryPrepared } from "../db/prepared-query";
import { iso } from "../db/sql-values";
import { uuidv7 } from "../db/uuid-v7";
import { getLogger } from "../logger";
import { getRequestContext, runWithRequestContext } from "../request-context";
import { messageIdDomain, sendEmail } from "./send-email";

/** How long a sender may hold a delivery before another process may try it again. */
export const DELIVERY_LEASE_MS = 2 * 60_000;

export type DeliveryStatus = EmailDelivery["status"];

export interface NotificationEmail {
  eventId: string;
  template: string;
  correlationId: string | null;
  /** The recipient's user id (kept with the delivery; the account's deletion cancels it)... */
  userId: string;
  /** ...and the address, read by the caller (with the zone the message was written in). */
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** The same event and template always give the same Message-ID, so a resend is recognisably the same email. */
export function notificationMessageId(eventId: string, template: string): string {
  return `<${eventId}.${template}@${messageIdDomain()}>`;
}

/**
 * Creates the delivery and makes the first attempt. Sends nothing and answers `duplicate`
 * when an earlier run already created it: the row keyed on (event, template) is the right to
 * send, and exactly one run gets it.
 */
export async function deliverEmailOnce(email: NotificationEmail, now: Date = new Date()): Promise<DeliveryStatus | "duplicate"> {
  const delivery = { ...email, id: uuidv7(), messageId: notificationMessageId(email.eventId, email.template) };
  const created = await createDelivery({ delivery, now });
  if (!created) return "duplicate";
  return attemptDelivery({ ...delivery, toAddress: email.to, attempts: 0 }, now);
}

interface NewDelivery {
  delivery: NotificationEmail & { id: string; messageId: string };
  now: Date;
}

/**
 * Inserts deliveries (those created at the same moment share one statement), each leased to
 * this process for its first attempt. True for a row this call created; false when the
 * (event, template) row already existed.
 */
const NEW_DELIVERY_COLUMNS = sql.raw(
  "id uuid, event_id uuid, template text, correlation_id uuid, user_id text, to_address text, subject text, " +
    "message_id text, html text, text text, next_attempt_at timestamptz, created_at timestamptz",
);

const createDelivery = groupCommit(async (items: NewDelivery[]): Promise<boolean[]> => {
  const rows = items.map(({ delivery: d, now }) => ({
    id: d.id,
    event_id: d.eventId,
    template: d.template,
    correlation_id: d.correlationId,
    user_id: d.userId,
    to_address: d.to,
    subject: d.subject,
    message_id: d.messageId,
    html: d.html,
    text: d.text,
    next_attempt_at: iso(new Date(now.getTime() + DELIVERY_LEASE_MS)),
    created_at: iso(now),
  }));
  const inserted = await queryPrepared<{ id: string }>(
    await getDb(),
    sql`insert into email_deliveries
          (id, event_id, template, correlation_id, user_id, to_address, subject, message_id, html, text,
           status, attempts, next_attempt_at, created_at, updated_at)
        select r.id, r.event_id, r.template, r.correlation_id, r.user_id, r.to_address, r.subject, r.message_id,
               r.html, r.text, 'pending', 0, r.next_attempt_at, r.created_at, r.created_at
        from ${jsonRows(rows, NEW_DELIVERY_COLUMNS)} as r
        on conflict (event_id, template) do nothing
        returning id`,
  );
  const created = new Set(inserted.map((row) => String(row.id)));
  return items.map(({ delivery }) => created.has(delivery.id));
});

type DeliveryRow = Pick<
  EmailDelivery,
  "id" | "eventId" | "template" | "correlationId" | "toAddress" | "subject" | "messageId" | "html" | "text" | "attempts"
>;

/** One try at sending a delivery this process holds the lease on; records the outcome. */
export function attemptDelivery(delivery: DeliveryRow, now: Date = new Date()): Promise<DeliveryStatus> {
  // Log lines of a retry (outside any request) still carry the workflow's correlation id.
  return delivery.correlationId && getRequestContext()?.correlationId !== delivery.correlationId
    ? runWithRequestContext({ correlationId: delivery.correlationId }, () => attempt(delivery, now))
    : attempt(delivery, now);
}

async function attempt(delivery: DeliveryRow, now: Date): Promise<DeliveryStatus> {
  const db = await getDb();
  const attempts = delivery.attempts + 1;
  const log = { eventId: delivery.eventId, template: delivery.template, deliveryId: delivery.id, attempts };
  try {
    const sent = await sendEmail({
      to: delivery.toAddress,
      subject: delivery.subject,
      html: delivery.html,
      text: delivery.text,
      messageId: delivery.messageId,
      headers: {
        "Auto-Submitted": "auto-generated",
        "X-Ledgerlink-Event-Id": delivery.eventId,
        ...(delivery.correlationId ? { "X-Ledgerlink-Correlation-Id": delivery.correlationId } : {}),
      },
    });
    await markSent({ id: delivery.id, attempts, via: sent.via, sentAt: new Date() });
    return "sent";
  } catch (error) {
    const retryAt = nextAttemptAt(EMAIL_RETRY_POLICY, attempts, now);
    const status = retryAt ? "retrying" : "failed";
    await db
      .update(emailDeliveries)
      .set({ status, attempts, lastError: describeSendError(error), nextAttemptAt: retryAt, updatedAt: new Date() })
      .where(eq(emailDeliveries.id, delivery.id));
    if (retryAt) getLogger().warn({ ...log, err: error, nextAttemptAt: retryAt }, "email not sent; it will be retried");
    else getLogger().error({ ...log, err: error }, "email not sent after the last try; marked failed");
    return status;
  }
}

interface SentDelivery {
  id: string;
  attempts: number;
  via: string;
  sentAt: Date;
}

/** Records sends (those that finish at the same moment share one statement). */
const markSent = groupCommit(async (sent: SentDelivery[]): Promise<void[]> => {
  const rows = sent.map(({ id, attempts, via, sentAt }) => ({ id, attempts, via, sent_at: iso(sentAt) }));
  await queryPrepared(
    await getDb(),
    sql`update email_deliveries d
        set status = 'sent', attempts = r.attempts, via = r.via, sent_at = r.sent_at,
            last_error = null, next_attempt_at = null, updated_at = r.sent_at
        from ${jsonRows(rows, sql.raw("id uuid, attempts integer, via text, sent_at timestamptz"), { joined: true })} as r
        where d.id = r.id`,
  );
  return sent.map(() => undefined);
});

export interface RetrySummary {
  attempted: number;
  sent: number;
  failed: number;
}

/** Sends the deliveries that are due (retries, and first attempts whose sender died), up to `limit`. */
export async function retryDueDeliveries({
  now = new Date(),
  limit = 100,
  deadline = Infinity,
}: {
  now?: Date;
  limit?: number;
  /** A `performance.now()` value: no send starts after it; the rest are released for the next pass. */
  deadline?: number;
} = {}): Promise<RetrySummary> {
  const db = await getDb();
  const due = await queryRows<Record<string, unknown>>(
    db,
    sql`update email_deliveries
        set next_attempt_at = ${iso(new Date(now.getTime() + DELIVERY_LEASE_MS))}::timestamptz
        where id in (
          select id from email_deliveries
          where status in ('pending', 'retrying') and next_attempt_at <= ${iso(now)}::timestamptz
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
        returning id, event_id, template, correlation_id, to_address, subject, message_id, html, text, attempts`,
  );
  const summary: RetrySummary = { attempted: 0, sent: 0, failed: 0 };
  for (const [index, row] of due.entries()) {
    if (performance.now() > deadline) {
      const rest = sql.join(due.slice(index).map((r) => sql`${String(r.id)}::uuid`), sql`, `);
      await db.execute(sql`update email_deliveries set next_attempt_at = ${iso(now)}::timestamptz where id in (${rest})`);
      break;
    }
    const status = await attemptDelivery(
      {
        id: String(row.id),
        eventId: String(row.event_id),
        template: String(row.template),
        correlationId: row.correlation_id === null ? null : String(row.correlation_id),
        toAddress: String(row.to_address),
        subject: String(row.subject),
        messageId: String(row.message_id),
        html: String(row.html),
        text: String(row.text),
        attempts: Number(row.attempts),
      },
      now,
    );
    summary.attempted += 1;
    if (status === "sent") summary.sent += 1;
    if (status === "failed") summary.failed += 1;
  }
  return summary;
}

function describeSendError(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1_000);
}
