import { Text } from "@react-email/components";

import { EmailLayout, textStyle } from "./email-layout";
import { ActionDetails, EmailHeading, WasntYou } from "./email-parts";

export interface ProviderDisconnectedEmailProps {
  providerName: string;
  /** ISO 8601 time of the disconnection. */
  occurredAt: string;
  ipAddress: string | null;
  device: string | null;
  activityUrl: string;
}

/** Sent on ProviderDisconnectionSucceeded. Subject: "<Provider> disconnected". */
export function ProviderDisconnectedEmail({
  providerName,
  occurredAt,
  ipAddress,
  device,
  activityUrl,
}: ProviderDisconnectedEmailProps) {
  return (
    <EmailLayout preview={`Your ${providerName} account was disconnected from Ledgerlink.`}>
      <EmailHeading>{`${providerName} disconnected`}</EmailHeading>
      <Text style={textStyle}>
        Your {providerName} account was disconnected from Ledgerlink. Ledgerlink deleted its access to this account
        and no longer reads anything from it. You can connect it again at any time.
      </Text>
      <ActionDetails occurredAt={occurredAt} ipAddress={ipAddress} device={device} />
      <WasntYou activityUrl={activityUrl} />
    </EmailLayout>
  );
}

ProviderDisconnectedEmail.PreviewProps = {
  providerName: "Charles Schwab",
  occurredAt: "2026-11-27T18:30:00.000Z",
  ipAddress: "198.51.100.7",
  device: "Safari on iPhone",
  activityUrl: "http://localhost:3000/activity",
} satisfies ProviderDisconnectedEmailProps;

export default ProviderDisconnectedEmail;
