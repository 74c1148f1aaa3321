import { emailRecipient } from "../../db/queries/email-recipient";
import { deliverEmailOnce } from "../../email/email-deliveries";
import { getLogger } from "../../logger";
import { defineHandler } from "../handler";
import { notificationFor } from "./email-notifications";

/**
 * Turns ConnectionSucceeded, DisconnectionSucceeded and TokenRefreshFailed (when the user must
 * act) into an email to the connection's owner. Idempotent: the delivery row keyed on event
 * and template is created once, so a second run sends nothing. A failed send does not fail
 * the handler: the delivery is `retrying` and the recovery pass sends it later. Times are in
 * the owner's stored zone, read with their address when the email is written (UTC when they
 * have none).
 */
export const emailHandler = defineHandler({
  name: "email",
  receives: ["ProviderConnectionSucceeded", "ProviderDisconnectionSucceeded", "ProviderTokenRefreshFailed"],
  async handle(event) {
    // Which email, if any, does not depend on the recipient: look them up only when there is one to write.
    if (!notificationFor(event)) return;
    const recipient = await emailRecipient({ userId: event.userId });
    if (!recipient) {
      getLogger().warn({ eventId: event.eventId, userId: event.userId }, "no email sent: the user no longer exists");
      return;
    }
    const notification = notificationFor(event, recipient.timeZone)!;
    const { html, text } = await notification.render();
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
