import { Heading, Link, Section, Text } from "@react-email/components";

import { textStyle } from "./email-layout";

/** Shared pieces of the provider notifications (no default export: not a template of its own). */

export const headingStyle = { fontSize: 20, lineHeight: "28px", fontWeight: 700, color: "#18181b", margin: "0 0 12px" } as const;
const detailStyle = { ...textStyle, fontSize: 14, lineHeight: "22px", margin: 0 } as const;
const mutedStyle = { ...textStyle, color: "#52525b", fontSize: 14 } as const;

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * "Friday 27 November 2026 at 10:04 UTC": one unambiguous zone for everyone, spelled out
 * by hand so it reads the same whatever ICU data the server has.
 */
export function formatEmailTime(isoTime: string): string {
  const t = new Date(isoTime);
  const hh = String(t.getUTCHours()).padStart(2, "0");
  const mm = String(t.getUTCMinutes()).padStart(2, "0");
  return `${WEEKDAYS[t.getUTCDay()]} ${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} at ${hh}:${mm} UTC`;
}

export function EmailHeading({ children }: { children: string }) {
  return (
    <Heading as="h1" style={headingStyle}>
      {children}
    </Heading>
  );
}

/** When, from where and from which device the action was taken (the last two when known). */
export function ActionDetails({
  occurredAt,
  ipAddress,
  device,
}: {
  occurredAt: string;
  ipAddress: string | null;
  device: string | null;
}) {
  return (
    <Section style={{ backgroundColor: "#f4f4f5", borderRadius: 6, padding: "12px 16px", margin: "16px 0" }}>
      <Text style={detailStyle}>When: {formatEmailTime(occurredAt)}</Text>
      {ipAddress ? <Text style={detailStyle}>IP address: {ipAddress}</Text> : null}
      {device ? <Text style={detailStyle}>Device: {device}</Text> : null}
    </Section>
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
