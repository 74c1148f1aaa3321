import { Text } from "@react-email/components";

import { EmailLayout, textStyle } from "./email-layout";
import { EmailHeading, formatEmailTime, ReconnectButton, WasntYou } from "./email-parts";

export interface ReconnectSoonEmailProps {
  providerName: string;
  /** The connection's name, when the user has several at this provider. */
  connectionAlias: string;
  /** ISO 8601 time past which the provider's consent can no longer be refreshed. */
  expiresAt: string;
  reconnectUrl: string;
  activityUrl: string;
  /** The recipient's stored zone (IANA name); UTC when they have none. */
  timeZone?: string;
}

/**
 * Sent once, REAUTH_WARNING_HOURS before a hard expiry (Charles Schwab: 7 days).
 * Subject: "<Provider> needs you to reconnect soon".
 */
export function ReconnectSoonEmail({ providerName, connectionAlias, expiresAt, reconnectUrl, activityUrl, timeZone }: ReconnectSoonEmailProps) {
  const deadline = formatEmailTime(expiresAt, timeZone);
  const named = connectionAlias && connectionAlias !== providerName ? `${connectionAlias} (${providerName})` : providerName;
  return (
    <EmailLayout preview={`${providerName} needs you to reconnect before ${deadline}.`}>
      <EmailHeading>{`${providerName} needs you to reconnect soon`}</EmailHeading>
      <Text style={textStyle}>
        {providerName} only lets Ledgerlink keep access for a limited time. Your connection {named} stops working on{" "}
        {deadline}.
      </Text>
      <Text style={textStyle}>Reconnect before then and nothing breaks: sign in to {providerName} again and approve the access.</Text>
      <ReconnectButton href={reconnectUrl} providerName={providerName} />
      <WasntYou activityUrl={activityUrl} lead="Did you not connect this account?" />
    </EmailLayout>
  );
}

ReconnectSoonEmail.PreviewProps = {
  providerName: "Charles Schwab",
  connectionAlias: "Brokerage",
  expiresAt: "2026-12-03T09:30:00.000Z",
  reconnectUrl: "http://localhost:3000/connections",
  activityUrl: "http://localhost:3000/activity",
} satisfies ReconnectSoonEmailProps;

export default ReconnectSoonEmail;
