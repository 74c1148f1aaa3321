import { sql } from "drizzle-orm";

import { getDb, queryRows } from "../../db/client";
import { deliverEmailOnce } from "../../email/email-deliveries";
import { renderEmailMessage } from "../../email/render-email-message";
import { getLogger } from "../../logger";
import { defineHandler } from "../handler";
import { notificationFor } from "./email-notifications";

/**
 * Turns ConnectionSucceeded, DisconnectionSucceeded and TokenRefreshFailed (when the user must
 * act) into an email to the connection's owner. Idempotent: the delivery row keyed on event
 * and template is created once, so a second run sends nothing. A failed send does not fail
 * the handler: the delivery is `retrying` and the recovery pass sends it later.
 */
export const emailHandler = defineHandler({
  name: "email",
  receives: ["ProviderConnectionSucceeded", "ProviderDisconnectionSucceeded", "ProviderTokenRefreshFailed"],
  async handle(event) {
    const notification = notificationFor(event);
    if (!notification) return;
    // One round trip: the recipient, and whether an earlier run already created the email.
    const [recipient] = await queryRows<{ email: string; delivery: string | null }>(
      await getDb(),
      sql`select u.email,
                 (select d.status::text from email_deliveries d
                   where d.event_id = ${event.eventId}::uuid and d.template = ${notification.template}) as delivery
          from users u where u.id = ${event.userId}`,
    );
    if (!recipient) {
      getLogger().warn({ eventId: event.eventId, userId: event.userId }, "no email sent: the user no longer exists");
      return;
    }
    if (recipient.delivery) return;
    const { html, text } = await renderEmailMessage(notification.element());
    await deliverEmailOnce({
      eventId: event.eventId,
      template: notification.template,
      correlationId: event.correlationId,
      userId: event.userId,
      to: recipient.email,
      subject: notification.subject,
      html,
      text,
    });
  },
});
