import { Text } from "@react-email/components";

import { textStyle } from "./email-layout";
import { ActionEmail, type ActionEmailProps, formatEmailTime } from "./email-parts";

export type ProviderDisconnectedEmailProps = ActionEmailProps;

/** Sent on ProviderDisconnectionSucceeded. Subject: "<Provider> disconnected". */
export function ProviderDisconnectedEmail(props: ProviderDisconnectedEmailProps) {
  const { providerName } = props;
  return (
    <ActionEmail {...props} preview={`Your ${providerName} account was disconnected from Ledgerlink.`} heading={`${providerName} disconnected`}>
      <Text style={textStyle}>
        Your {providerName} account was disconnected from Ledgerlink. Ledgerlink deleted its access to this account
        and no longer reads anything from it. You can connect it again at any time.
      </Text>
    </ActionEmail>
  );
}

ProviderDisconnectedEmail.PreviewProps = {
  providerName: "Charles Schwab",
  when: formatEmailTime("2026-11-27T18:30:00.000Z"),
  ipAddress: "198.51.100.7",
  device: "Safari on iPhone",
  activityUrl: "http://localhost:3000/activity",
} satisfies ProviderDisconnectedEmailProps;

export default ProviderDisconnectedEmail;
