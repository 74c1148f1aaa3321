import { env } from "../env";

/** The development mailbox exists only outside production and only without an SMTP server. */
export function devMailboxEnabled(): boolean {
  return !env.isProduction && !env.SMTP_URL;
}
