import { createElement } from "react";

import { SignInEmail } from "@/components/emails/sign-in-email";

import { env } from "../env";
import { getLogger } from "../logger";
import { recipientTimeZone } from "../db/queries/recipient-time-zone";
import { renderEmailMessage } from "../email/render-email-message";
import { sendEmail } from "../email/send-email";
import { resolveTimeZone } from "../time-zone";

/**
 * Auth.js `sendVerificationRequest`: our template, our transport (SMTP or the dev mailbox).
 * `storedZone`: the recipient's zone as Auth.js's lookup of the address found it (null: none
 * stored, or no account yet; lib/auth/recipient-zones.ts); when absent, it is read by address.
 */
export async function sendSignInEmail({
  identifier,
  url: authUrl,
  expires,
  storedZone,
}: {
  identifier: string;
  url: string;
  expires: Date;
  storedZone?: string | null;
}) {
  // Auth.js builds the link from the request's Host / X-Forwarded-Host, which a client can
  // forge to have a real token mailed to a site of its own. The link goes to APP_URL only.
  const link = new URL(authUrl);
  const url = new URL(`${link.pathname}${link.search}`, env.APP_URL).toString();
  const host = new URL(env.APP_URL).host;
  const timeZone = storedZone === undefined ? await recipientTimeZone({ email: identifier }) : resolveTimeZone(storedZone).zone;
  const { html, text } = await renderEmailMessage(createElement(SignInEmail, { url, host, expiresAt: expires, timeZone }));
  const sent = await sendEmail({ to: identifier, subject: "Sign in to Ledgerlink", html, text });
  if (sent.via === "dev-mailbox" && !env.isProduction) {
    // The link is a credential; printing it is only for the developer's own machine.
    console.info(`\n  Sign-in link for ${identifier}:\n  ${url}\n`);
  }
  getLogger().info({ via: sent.via }, "sign-in email sent");
}
