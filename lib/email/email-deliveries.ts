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
  /** The recipient: the email goes to this user's current address... */
  userId: string;
  /** ...unless an address is given. */
  to?: string;
  subject: string;
  html: string;
  text: string;
}

/** The same event and template always give the same Message-ID, so a resend is recognisably the same email. */
export function notificationMessageId(eventId: string, template: string): string {
  return `<${eventId}.${template}@${messageIdDomain()}>`;
}

/**
 * Creates the delivery (addressed to the user's current email, in the same statement) and
 * makes the first attempt. Sends nothing and answers `duplicate` when an earlier run already
 * created it, or `no-recipient` when the user no longer exists.
 */
export async function deliverEmailOnce(
  email: NotificationEmail,
  now: Date = new Date(),
): Promise<DeliveryStatus | "duplicate" | "no-recipient"> {
  const db = await getDb();
  const id = uuidv7();
  const messageId = notificationMessageId(email.eventId, email.template);
  const [created] = await queryRows<{ to_address: string }>(
    db,
    sql`insert into email_deliveries
          (id, event_id, template, correlation_id, user_id, to_address, subject, message_id, html, text,
           status, attempts, next_attempt_at, created_at, updated_at)
        select ${id}::uuid, ${email.eventId}::uuid, ${email.template}, ${email.correlationId}::uuid, ${email.userId},
               coalesce(${email.to ?? null}::text, u.email),
               ${email.subject}, ${messageId}, ${email.html}, ${email.text}, 'pending', 0,
               ${iso(new Date(now.getTime() + DELIVERY_LEASE_MS))}::timestamptz, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz
        from (select 1) as one left join users u on u.id = ${email.userId}
        where coalesce(${email.to ?? null}::text, u.email) is not null
        on conflict (event_id, template) do nothing
        returning to_address`,
  );
  if (!created) {
    const [existing] = await queryRows<{ id: string }>(
      db,
      sql`select id from email_deliveries where event_id = ${email.eventId}::uuid and template = ${email.template}`,
    );
    return existing ? "duplicate" : "no-recipient";
  }
  return attemptDelivery({ ...email, id, messageId, toAddress: created.to_address, attempts: 0 }, now);
}

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
    await db
      .update(emailDeliveries)
      .set({ status: "sent", attempts, via: sent.via, sentAt: new Date(), lastError: null, nextAttemptAt: null, updatedAt: new Date() })
      .where(eq(emailDeliveries.id, delivery.id));
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
