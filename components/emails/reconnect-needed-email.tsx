import { Button, Text } from "@react-email/components";

import { buttonStyle, EmailLayout, textStyle } from "./email-layout";
import { ActionDetails, EmailHeading, WasntYou } from "./email-parts";

export interface ReconnectNeededEmailProps {
  providerName: string;
  /** Why the refresh failed, in words (`reasonText` of the event's reason). */
  reasonText: string;
  /** ISO 8601 time of the failed refresh. */
  occurredAt: string;
  /** Null for the scheduled refresh, which has no request behind it. */
  ipAddress: string | null;
  device: string | null;
  connectionsUrl: string;
  activityUrl: string;
}

/** Sent on ProviderTokenRefreshFailed when only the user can fix it. Subject: "Reconnect <Provider>". */
export function ReconnectNeededEmail({
  providerName,
  reasonText,
  occurredAt,
  ipAddress,
  device,
  connectionsUrl,
  activityUrl,
}: ReconnectNeededEmailProps) {
  return (
    <EmailLayout preview={`Ledgerlink lost access to ${providerName}. Reconnect to keep it up to date.`}>
      <EmailHeading>{`Reconnect ${providerName}`}</EmailHeading>
      <Text style={textStyle}>
        Ledgerlink can no longer refresh its access to your {providerName} account. {reasonText}
      </Text>
      <Text style={textStyle}>
        Until you reconnect, Ledgerlink cannot read anything new from {providerName}. Reconnecting takes a minute: sign
        in to {providerName} again and approve the access.
      </Text>
      <Button href={connectionsUrl} style={buttonStyle}>
        Reconnect {providerName}
      </Button>
      <Text style={{ ...textStyle, fontSize: 13, color: "#71717a" }}>
        Or open {connectionsUrl} and choose Reconnect.
      </Text>
      <ActionDetails occurredAt={occurredAt} ipAddress={ipAddress} device={device} />
      <WasntYou activityUrl={activityUrl} lead="Did you not expect this?" />
    </EmailLayout>
  );
}

ReconnectNeededEmail.PreviewProps = {
  providerName: "Acme Bank",
  reasonText: "Your access to this provider has expired.",
  occurredAt: "2026-11-28T03:15:00.000Z",
  ipAddress: null,
  device: null,
  connectionsUrl: "http://localhost:3000/connections",
  activityUrl: "http://localhost:3000/activity",
} satisfies ReconnectNeededEmailProps;

export default ReconnectNeededEmail;
