import { Text } from "@react-email/components";

import { EmailLayout, textStyle } from "./email-layout";
import { ActionDetails, EmailHeading, WasntYou } from "./email-parts";

export interface ProviderConnectedEmailProps {
  providerName: string;
  /** ISO 8601 time of the connection. */
  occurredAt: string;
  ipAddress: string | null;
  /** "Firefox on Linux", when the request said. */
  device: string | null;
  activityUrl: string;
}

/** Sent on ProviderConnectionSucceeded. Subject: "<Provider> connected". */
export function ProviderConnectedEmail({ providerName, occurredAt, ipAddress, device, activityUrl }: ProviderConnectedEmailProps) {
  return (
    <EmailLayout preview={`Your ${providerName} account is now connected to Ledgerlink.`}>
      <EmailHeading>{`${providerName} connected`}</EmailHeading>
      <Text style={textStyle}>
        Your {providerName} account is now connected to Ledgerlink. Ledgerlink keeps its access up to date for you;
        you can disconnect it at any time from your connections.
      </Text>
      <ActionDetails occurredAt={occurredAt} ipAddress={ipAddress} device={device} />
      <WasntYou activityUrl={activityUrl} />
    </EmailLayout>
  );
}

ProviderConnectedEmail.PreviewProps = {
  providerName: "Acme Bank",
  occurredAt: "2026-11-27T10:04:00.000Z",
  ipAddress: "203.0.113.42",
  device: "Firefox on macOS",
  activityUrl: "http://localhost:3000/activity",
} satisfies ProviderConnectedEmailProps;

export default ProviderConnectedEmail;
