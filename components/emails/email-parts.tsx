import { Button, Heading, Link, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

import { dateTimeFormat } from "../../lib/intl-formats";

import { buttonStyle, EmailLayout, textStyle } from "./email-layout";

/** Shared pieces of the provider notifications (no default export: not a template of its own). */

export const headingStyle = { fontSize: 20, lineHeight: "28px", fontWeight: 700, color: "#18181b", margin: "0 0 12px" } as const;
const detailStyle = { ...textStyle, fontSize: 14, lineHeight: "22px", margin: 0 } as const;
const mutedStyle = { ...textStyle, color: "#52525b", fontSize: 14 } as const;

/** The zone of a recipient who has none stored (lib/time-zone.ts DEFAULT_TIME_ZONE). */
const UTC = "UTC";

function emailFormat(timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat("en-US", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
}

/**
 * "Friday 27 November 2026 at 05:04 EST (America/New_York)": in the recipient's stored zone,
 * named twice (the abbreviation people read, the IANA name that is never ambiguous). Without a
 * stored zone, UTC: "Friday 27 November 2026 at 10:04 UTC".
 */
export function formatEmailTime(isoTime: string, timeZone: string = UTC): string {
  // Nothing finer than a minute is written, and no zone's offset has a fraction of a second:
  // every time in one second reads the same.
  const key = `${timeZone}|${Math.floor(Date.parse(isoTime) / 1_000)}`;
  let written = writtenTimes.get(key);
  if (written === undefined) {
    if (writtenTimes.size >= 1_000) writtenTimes.clear();
    written = writeEmailTime(isoTime, timeZone);
    writtenTimes.set(key, written);
  }
  return written;
}

/** Recent times as written (formatToParts is most of an email's cost once its rendering is reused). */
const writtenTimes = new Map<string, string>();

function writeEmailTime(isoTime: string, timeZone: string): string {
  const parts = Object.fromEntries(
    emailFormat(timeZone)
      .formatToParts(new Date(isoTime))
      .map((part) => [part.type, part.value]),
  );
  const when = `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}`;
  return timeZone === UTC ? `${when} UTC` : `${when} ${parts.timeZoneName} (${timeZone})`;
}

export function EmailHeading({ children }: { children: string }) {
  return (
    <Heading as="h1" style={headingStyle}>
      {children}
    </Heading>
  );
}

/** What every email about an action on a connection is told: which bank, when, from where, for whom. */
export interface ActionEmailProps {
  providerName: string;
  /**
   * When the action happened, as written for the recipient: `formatEmailTime(occurredAt, zone)`
   * in their stored zone. Written by the caller, so that emails which differ only in their
   * time, IP address and device share one rendering (lib/email/render-with-slots.ts).
   */
  when: string;
  /** Null when there was no request behind it (the scheduled refresh). */
  ipAddress: string | null;
  /** "Firefox on Linux", when the request said. */
  device: string | null;
  activityUrl: string;
}

/**
 * An email about an action on a connection: heading, what happened (`children`), when, from
 * where and from which device (the last two when known), and the "wasn't you?" line.
 */
export function ActionEmail({
  preview,
  heading,
  wasntYouLead,
  children,
  when,
  ipAddress,
  device,
  activityUrl,
}: ActionEmailProps & { preview: string; heading: string; wasntYouLead?: string; children: ReactNode }) {
  return (
    <EmailLayout preview={preview}>
      <EmailHeading>{heading}</EmailHeading>
      {children}
      <Section style={{ backgroundColor: "#f4f4f5", borderRadius: 6, padding: "12px 16px", margin: "16px 0" }}>
        <Text style={detailStyle}>When: {when}</Text>
        {ipAddress ? <Text style={detailStyle}>IP address: {ipAddress}</Text> : null}
        {device ? <Text style={detailStyle}>Device: {device}</Text> : null}
      </Section>
      <WasntYou activityUrl={activityUrl} lead={wasntYouLead} />
    </EmailLayout>
  );
}

/** The "Reconnect <Provider>" button, to the page where the user does it. */
export function ReconnectButton({ href, providerName }: { href: string; providerName: string }) {
  return (
    <Button href={href} style={buttonStyle}>
      Reconnect {providerName}
    </Button>
  );
}

/** The "wasn't you?" line: where to look, and what to do about it. */
export function WasntYou({ activityUrl, lead = "Wasn't you?" }: { activityUrl: string; lead?: string }) {
  return (
    <Text style={mutedStyle}>
      {lead} Review what happened on your <Link href={activityUrl}>Activity page</Link>, disconnect anything you do
      not recognise, and sign out of devices you do not use.
    </Text>
  );
}
