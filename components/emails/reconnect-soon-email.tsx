import { Button, Text } from "@react-email/components";

import { buttonStyle, EmailLayout, textStyle } from "./email-layout";
import { EmailHeading, formatEmailTime, WasntYou } from "./email-parts";

export interface ReconnectSoonEmailProps {
  providerName: string;
  /** The connection's name, when the user has several at this provider. */
  connectionAlias: string;
  /** ISO 8601 time past which the provider's consent can no longer be refreshed. */
  expiresAt: string;
  reconnectUrl: string;
  activityUrl: string;
}

/**
 * Sent once, REAUTH_WARNING_HOURS before a hard expiry (Charles Schwab: 7 days).
 * Subject: "<Provider> needs you to reconnect soon".
 */
export function ReconnectSoonEmail({ providerName, connectionAlias, expiresAt, reconnectUrl, activityUrl }: ReconnectSoonEmailProps) {
  const named = connectionAlias && connectionAlias !== providerName ? `${connectionAlias} (${providerName})` : providerName;
  return (
    <EmailLayout preview={`${providerName} needs you to reconnect before ${formatEmailTime(expiresAt)}.`}>
      <EmailHeading>{`${providerName} needs you to reconnect soon`}</EmailHeading>
      <Text style={textStyle}>
        {providerName} only lets Ledgerlink keep access for a limited time. Your connection {named} stops working on{" "}
        {formatEmailTime(expiresAt)}.
      </Text>
      <Text style={textStyle}>Reconnect before then and nothing breaks: sign in to {providerName} again and approve the access.</Text>
      <Button href={reconnectUrl} style={buttonStyle}>
        Reconnect {providerName}
      </Button>
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
