import { Text } from "@react-email/components";

import { textStyle } from "./email-layout";
import { ActionEmail, type ActionEmailProps, formatEmailTime } from "./email-parts";

export type ProviderConnectedEmailProps = ActionEmailProps;

/** Sent on ProviderConnectionSucceeded. Subject: "<Provider> connected". */
export function ProviderConnectedEmail(props: ProviderConnectedEmailProps) {
  const { providerName } = props;
  return (
    <ActionEmail {...props} preview={`Your ${providerName} account is now connected to Ledgerlink.`} heading={`${providerName} connected`}>
      <Text style={textStyle}>
        Your {providerName} account is now connected to Ledgerlink. Ledgerlink keeps its access up to date for you;
        you can disconnect it at any time from your connections.
      </Text>
    </ActionEmail>
  );
}

ProviderConnectedEmail.PreviewProps = {
  providerName: "Acme Bank",
  when: formatEmailTime("2026-11-27T10:04:00.000Z", "America/New_York"),
  ipAddress: "203.0.113.42",
  device: "Firefox on macOS",
  activityUrl: "http://localhost:3000/activity",
} satisfies ProviderConnectedEmailProps;

export default ProviderConnectedEmail;
