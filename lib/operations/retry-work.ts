import "server-only";

/**
 * "Retry now" on /admin/operations: re-queue one email or handler run and try it at once.
 * An email that was sent in the meantime is left alone (its row says `sent`), and the answer says so;
 * so is one being sent right now (`pending`), and one whose recipient has deleted the account.
 */
import { and, eq, inArray, sql } from "drizzle-orm";

import { getDb } from "../db/client";
import { emailDeliveries, eventHandlerRuns, eventOutbox, users } from "../db/schema";
import { attemptDelivery, DELIVERY_LEASE_MS } from "../email/email-deliveries";
import { recoverEvents } from "../events/recover-events";

export type RetryOutcome = {
  status: "pending" | "sent" | "retrying" | "failed" | "already_done" | "in_progress" | "account_deleted" | "not_found" | "requeued";
  message: string;
};

/** The email's recipient has deleted the account: nothing of theirs is sent again (DESIGN.md §7). */
const recipientDeleted = sql<boolean>`exists (select 1 from ${users} where ${users.id} = ${emailDeliveries.userId} and ${users.deletedAt} is not null)`;

export async function retryEmail({ deliveryId, now = new Date() }: { deliveryId: string; now?: Date }): Promise<RetryOutcome> {
  const db = await getDb();
  // Claim it with the same lease the sender uses, only if it still needs sending.
  const [claimed] = await db
    .update(emailDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + DELIVERY_LEASE_MS), updatedAt: now })
    .where(and(eq(emailDeliveries.id, deliveryId), inArray(emailDeliveries.status, ["retrying", "failed"]), sql`not ${recipientDeleted}`))
    .returning();
  if (!claimed) {
    const [row] = await db
      .select({ status: emailDeliveries.status, deleted: recipientDeleted })
      .from(emailDeliveries)
      .where(eq(emailDeliveries.id, deliveryId));
    if (!row) return { status: "not_found", message: "That email was not found." };
    if (row.deleted) return { status: "account_deleted", message: "That email's recipient deleted their account; it was not sent." };
    if (row.status === "pending") return { status: "in_progress", message: "That email is being sent right now; nothing was done." };
    return { status: "already_done", message: "That email was already sent; nothing was done." };
  }
  const status = await attemptDelivery(claimed, now);
  const message =
    status === "sent" ? `Sent “${claimed.subject}”.` : `Sending “${claimed.subject}” failed again; it stays in the list with its error.`;
  return { status, message };
}

export async function retryHandlerRun({ eventId, handler }: { eventId: string; handler: string }): Promise<RetryOutcome> {
  const db = await getDb();
  const now = new Date();
  const requeued = await db
    .update(eventHandlerRuns)
    .set({ status: "retrying", nextAttemptAt: now, updatedAt: now })
    .where(and(eq(eventHandlerRuns.eventId, eventId), eq(eventHandlerRuns.handler, handler), inArray(eventHandlerRuns.status, ["retrying", "dead"])))
    .returning({ eventId: eventHandlerRuns.eventId });
  if (requeued.length === 0) return { status: "already_done", message: "That handler already finished; nothing was done." };
  await db.update(eventOutbox).set({ deadAt: null, nextAttemptAt: now }).where(eq(eventOutbox.eventId, eventId));
  await recoverEvents({ olderThanMs: 0, now });
  return { status: "requeued", message: `Re-ran ${handler} for event ${eventId}.` };
}

/** "Retry all failed": every failed or retrying email and every dead or retrying handler run. */
export async function retryAllFailed(): Promise<RetryOutcome> {
  const db = await getDb();
  const now = new Date();
  const candidates = await db
    .select({ id: emailDeliveries.id, deleted: recipientDeleted })
    .from(emailDeliveries)
    .where(inArray(emailDeliveries.status, ["retrying", "failed"]));
  const emails = candidates.filter((c) => !c.deleted);
  const skipped = candidates.length - emails.length;
  let sent = 0;
  for (const { id } of emails) if ((await retryEmail({ deliveryId: id, now })).status === "sent") sent += 1;
  const runs = await db
    .update(eventHandlerRuns)
    .set({ status: "retrying", nextAttemptAt: now, updatedAt: now })
    .where(inArray(eventHandlerRuns.status, ["retrying", "dead"]))
    .returning({ eventId: eventHandlerRuns.eventId });
  if (runs.length > 0) {
    await db
      .update(eventOutbox)
      .set({ deadAt: null, nextAttemptAt: now })
      .where(inArray(eventOutbox.eventId, runs.map((r) => r.eventId)));
    await recoverEvents({ olderThanMs: 0, now });
  }
  const skippedNote = skipped > 0 ? ` Skipped ${skipped} ${skipped === 1 ? "email" : "emails"} to deleted accounts.` : "";
  return { status: "requeued", message: `Retried ${emails.length} emails (${sent} sent) and ${runs.length} handler runs.${skippedNote}` };
}
