import { Button, Link, Text } from "@react-email/components";

import { buttonStyle, EmailLayout, textStyle } from "./email-layout";
import { formatEmailTime } from "./email-parts";

export interface SignInEmailProps {
  url: string;
  host: string;
  expiresAt: Date;
  /** The zone of the account this address belongs to, if it has one stored; else UTC. */
  timeZone?: string;
}

/** The magic link Auth.js sends to sign in. */
export function SignInEmail({ url, host, expiresAt, timeZone }: SignInEmailProps) {
  return (
    <EmailLayout preview={`Your sign-in link for ${host}`}>
      <Text style={textStyle}>Click the button below to sign in to Ledgerlink.</Text>
      <Button href={url} style={buttonStyle}>
        Sign in to Ledgerlink
      </Button>
      <Text style={textStyle}>
        Or paste this link into your browser: <Link href={url}>{url}</Link>
      </Text>
      <Text style={{ ...textStyle, color: "#71717a", fontSize: 13 }}>
        The link works once and expires at {formatEmailTime(expiresAt.toISOString(), timeZone)}. If you did not ask to sign in, you can ignore
        this email.
      </Text>
    </EmailLayout>
  );
}

SignInEmail.PreviewProps = {
  url: "http://localhost:3000/api/auth/callback/nodemailer?token=preview&email=ada%40example.com",
  host: "localhost:3000",
  expiresAt: new Date("2026-11-27T10:00:00Z"),
} satisfies SignInEmailProps;

export default SignInEmail;
