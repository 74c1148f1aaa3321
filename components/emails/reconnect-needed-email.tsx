import { Text } from "@react-email/components";

import { textStyle } from "./email-layout";
import { ActionEmail, ReconnectButton, type ActionEmailProps, formatEmailTime } from "./email-parts";

export interface ReconnectNeededEmailProps extends ActionEmailProps {
  /** Why the refresh failed, in words (`reasonText` of the event's reason). */
  reasonText: string;
  connectionsUrl: string;
}

/** Sent on ProviderTokenRefreshFailed when only the user can fix it. Subject: "Reconnect <Provider>". */
export function ReconnectNeededEmail({ reasonText, connectionsUrl, ...action }: ReconnectNeededEmailProps) {
  const { providerName } = action;
  return (
    <ActionEmail
      {...action}
      preview={`Ledgerlink lost access to ${providerName}. Reconnect to keep it up to date.`}
      heading={`Reconnect ${providerName}`}
      wasntYouLead="Did you not expect this?"
    >
      <Text style={textStyle}>
        Ledgerlink can no longer refresh its access to your {providerName} account. {reasonText}
      </Text>
      <Text style={textStyle}>
        Until you reconnect, Ledgerlink cannot read anything new from {providerName}. Reconnecting takes a minute: sign
        in to {providerName} again and approve the access.
      </Text>
      <ReconnectButton href={connectionsUrl} providerName={providerName} />
      <Text style={{ ...textStyle, fontSize: 13, color: "#71717a" }}>
        Or open {connectionsUrl} and choose Reconnect.
      </Text>
    </ActionEmail>
  );
}

ReconnectNeededEmail.PreviewProps = {
  providerName: "Acme Bank",
  reasonText: "Your access to this provider has expired.",
  when: formatEmailTime("2026-11-28T03:15:00.000Z"),
  ipAddress: null,
  device: null,
  connectionsUrl: "http://localhost:3000/connections",
  activityUrl: "http://localhost:3000/activity",
} satisfies ReconnectNeededEmailProps;

export default ReconnectNeededEmail;
