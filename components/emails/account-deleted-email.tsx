import { Text } from "@react-email/components";

import { EmailLayout, textStyle } from "./email-layout";
import { EmailHeading, formatEmailTime } from "./email-parts";

export interface AccountDeletedEmailProps {
  /** ISO 8601 time of the deletion. */
  occurredAt: string;
  /** How many connections were disconnected on the way. */
  disconnected: number;
  /** The zone the person had stored (IANA name); UTC when none. */
  timeZone?: string;
}

/** Sent once, to the address the account had, when a person deletes their account. Subject: "Your Ledgerlink account was deleted". */
export function AccountDeletedEmail({ occurredAt, disconnected, timeZone }: AccountDeletedEmailProps) {
  return (
    <EmailLayout preview="Your Ledgerlink account was deleted.">
      <EmailHeading>Your Ledgerlink account was deleted</EmailHeading>
      <Text style={textStyle}>
        Your Ledgerlink account was deleted on {formatEmailTime(occurredAt, timeZone)}. {disconnected === 0 ? "You had no connections." : `Ledgerlink disconnected ${disconnected === 1 ? "your connection" : `your ${disconnected} connections`} and revoked its access at each bank that allows it.`}{" "}
        Your email address and profile are gone. A record of what happened to your connections stays, under an anonymous id, as financial records must.
      </Text>
      <Text style={textStyle}>This is the last email Ledgerlink sends you.</Text>
    </EmailLayout>
  );
}

AccountDeletedEmail.PreviewProps = { occurredAt: "2026-11-27T18:30:00.000Z", disconnected: 2 } satisfies AccountDeletedEmailProps;

export default AccountDeletedEmail;
