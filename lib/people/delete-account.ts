import "server-only";

/**
 * Delete my account (DESIGN.md §7): every live connection goes through the normal disconnect
 * workflow (revocation at the bank, events, audit rows, emails), then the sessions end and
 * the email and profile are removed. The `users` row stays as an anonymous id because the
 * append-only audit trail is keyed by it. A last email, to the address the account had,
 * confirms the deletion.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { createElement } from "react";

import { AccountDeletedEmail } from "@/components/emails/account-deleted-email";

import { ExpectedError } from "../errors";
import { disconnectConnection } from "../connections/disconnect";
import { listConnectionsForUser } from "../connections/queries";
import { getDb, queryRows } from "../db/client";
import { emailDeliveries, sessions, users, verificationTokens } from "../db/schema";
import { deliverEmailOnce } from "../email/email-deliveries";
import { renderEmailMessage } from "../email/render-email-message";
import { dispatchEvent } from "../events/emit";
import { parseEvent } from "../events/event-schemas";
import { uuidv7 } from "../db/uuid-v7";
import { deletedEmail } from "./deleted-address";
import { getLogger } from "../logger";
import { resolveTimeZone } from "../time-zone";

export interface DeleteAccountResult {
  disconnected: number;
  /** Connections whose disconnect did not go through (the account is then kept). */
  failed: number;
}

/** The last error of an email cancelled because its recipient deleted the account. */
export const ACCOUNT_DELETED_ERROR = "Not sent: the account was deleted.";

export async function deleteAccount({ userId, confirmEmail }: { userId: string; confirmEmail: string }): Promise<DeleteAccountResult> {
  const db = await getDb();
  const [user] = await db.select({ email: users.email, timeZone: users.timeZone }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw new ExpectedError("account_not_found", "This account no longer exists.");
  if (confirmEmail.trim().toLowerCase() !== user.email.toLowerCase()) {
    throw new ExpectedError("confirmation_mismatch", "That is not your account's email address. Nothing was deleted.");
  }

  const live = await listConnectionsForUser({ userId });
  let disconnected = 0;
  for (const { id } of live) {
    const result = await disconnectConnection({ userId, connectionId: id });
    if (result.ok) disconnected += 1;
  }
  const failed = live.length - disconnected;
  if (failed > 0) {
    throw new ExpectedError("disconnect_failed", "We could not disconnect every connection, so your account was kept. Please try again.");
  }
  // The disconnect emails go to the address the account has now: send them before it is removed
  // (their handlers are idempotent, so the after-response dispatch that follows adds nothing).
  await finishPendingEvents(userId);

  const now = new Date();
  const { html, text } = await renderEmailMessage(
    createElement(AccountDeletedEmail, { occurredAt: now.toISOString(), disconnected, timeZone: resolveTimeZone(user.timeZone).zone }),
  );
  await deliverEmailOnce({
    eventId: uuidv7(now.getTime()),
    template: "account-deleted",
    correlationId: null,
    userId,
    to: user.email,
    subject: "Your Ledgerlink account was deleted",
    html,
    text,
  });

  const anonymous = deletedEmail(userId);
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await tx.delete(verificationTokens).where(eq(verificationTokens.identifier, user.email));
    await tx
      .update(users)
      .set({ email: anonymous, name: null, image: null, emailVerified: null, timeZone: null, deletedAt: now })
      .where(eq(users.id, userId));
    // No message keeps the old address. Sent ones need it no more; one still unsent (pending,
    // retrying or failed, the last waiting for an admin's "Retry") is cancelled: marked failed
    // with the reason, so neither the sweep nor /admin/operations sends it later.
    await tx.update(emailDeliveries).set({ toAddress: anonymous }).where(eq(emailDeliveries.userId, userId));
    await tx
      .update(emailDeliveries)
      .set({ status: "failed", nextAttemptAt: null, lastError: ACCOUNT_DELETED_ERROR, updatedAt: now })
      .where(and(eq(emailDeliveries.userId, userId), inArray(emailDeliveries.status, ["pending", "retrying", "failed"])));
  });
  getLogger().info({ userId, disconnected }, "account deleted");
  return { disconnected, failed };
}

async function finishPendingEvents(userId: string): Promise<void> {
  const db = await getDb();
  const rows = await queryRows<{ payload: unknown }>(
    db,
    sql`select payload from event_outbox
        where processed_at is null and dead_at is null and payload->>'userId' = ${userId}
        order by created_at`,
  );
  for (const row of rows) await dispatchEvent(parseEvent(row.payload));
}
