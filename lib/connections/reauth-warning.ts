/**
 * Where a provider's refresh token or consent has a hard lifetime (Charles Schwab: 7 days),
 * no refresh helps past it. Email the user once, REAUTH_WARNING_HOURS before, so they
 * reconnect before anything breaks. Idempotent through the email delivery record, whose
 * key is derived from the connection and the expiry it warns about.
 */
import { createHash } from "node:crypto";
import { createElement } from "react";

import ReconnectSoonEmail from "@/components/emails/reconnect-soon-email";

import { deliverEmailOnce } from "../email/email-deliveries";
import { renderEmailMessage } from "../email/render-email-message";
import { env } from "../env";
import { resolveTimeZone } from "../time-zone";
import { providerName } from "../providers/find-provider";
import { connectionsNeedingReauthWarning, markReauthWarningSent } from "./queries";

export const REAUTH_WARNING_TEMPLATE = "reconnect-soon";

/**
 * `deadline` (a `performance.now()` value): no warning starts after it; the rest wait for the
 * next sweep (they stay unmarked). Answers how many were sent.
 */
export async function sendReauthWarnings(now = new Date(), limit = 500, deadline = Infinity): Promise<number> {
  const horizon = new Date(now.getTime() + env.REAUTH_WARNING_HOURS * 3600 * 1000);
  const due = await connectionsNeedingReauthWarning({ now, horizon, limit });

  let sent = 0;
  for (const connection of due) {
    // Stryker disable next-line EqualityOperator: `>=` differs only in the very instant of the deadline.
    if (performance.now() > deadline) break;
    const expiresAt = connection.expiresAt!;
    const name = providerName(connection.providerSlug);
    const message = await renderEmailMessage(
      createElement(ReconnectSoonEmail, {
        providerName: name,
        connectionAlias: connection.alias,
        expiresAt: expiresAt.toISOString(),
        reconnectUrl: `${env.APP_URL}/connections`,
        activityUrl: `${env.APP_URL}/activity`,
        timeZone: resolveTimeZone(connection.timeZone).zone,
      }),
    );
    await deliverEmailOnce(
      {
        eventId: warningKey(connection.id, expiresAt),
        template: REAUTH_WARNING_TEMPLATE,
        correlationId: null,
        userId: connection.userId,
        to: connection.email,
        subject: `${name} needs you to reconnect soon`,
        ...message,
      },
      now,
    );
    await markReauthWarningSent({ connectionId: connection.id, now });
    sent += 1;
  }
  return sent;
}

/** A stable UUID per (connection, expiry): one warning per expiry, however many sweeps. */
function warningKey(connectionId: string, expiresAt: Date): string {
  const hex = createHash("sha256").update(`reauth-warning:${connectionId}:${expiresAt.toISOString()}`).digest("hex");
  // Shaped as a UUID (version nibble 8: "custom", RFC 9562) so it fits the uuid column.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
