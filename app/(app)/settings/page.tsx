import type { Metadata } from "next";
import { cookies } from "next/headers";

import { PageShell } from "@/components/page-shell";
import { PageSection } from "@/components/ui/page-section";
import { DeleteAccountForm } from "@/components/settings/delete-account-form";
import { DeviceList } from "@/components/settings/device-list";
import { TimeZoneForm } from "@/components/settings/time-zone-form";
import { requireUser } from "@/lib/auth/guards";
import { describeDevice } from "@/lib/email/describe-device";
import { formatDateTime } from "@/lib/format";
import { listDevices } from "@/lib/people/session-devices";
import { describeTimeZone, listTimeZones, resolveTimeZone, UNRECOGNISED_ZONE_COOKIE, unrecognisedZoneName } from "@/lib/time-zone";

export const metadata: Metadata = { title: "Settings" };

/** Time zone, devices (Auth.js sessions), my data, delete my account (DESIGN.md §7). */
export default async function SettingsPage() {
  const user = await requireUser("/settings");
  const { zone, unknown } = resolveTimeZone(user.timeZone);
  // The browser's zone, when it reported one we do not know and nothing is stored (updateTimeZone).
  const unrecognised = user.timeZone ? null : unrecognisedZoneName((await cookies()).get(UNRECOGNISED_ZONE_COOKIE)?.value);
  const devices = await listDevices({ userId: user.id });

  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Settings</h1>

      <PageSection
        id="time-zone"
        title="Time zone"
        className="mt-6"
        intro={
          <>
            Times are shown in <strong data-testid="current-time-zone">{describeTimeZone(zone)}</strong>. Emails use it too.
          </>
        }
      >
        {unknown ? (
          <p role="note" className="mt-2 text-sm text-amber-900">
            We do not recognise the time zone “{unknown}”, so times are shown in UTC.
          </p>
        ) : null}
        {unrecognised ? (
          <p role="note" data-testid="unrecognised-time-zone" className="mt-2 text-sm text-amber-900">
            Your browser&rsquo;s zone ({unrecognised}) is not recognised; times are shown in UTC. Choose your zone below.
          </p>
        ) : null}
        <TimeZoneForm current={zone} zones={listTimeZones()} />
      </PageSection>

      <PageSection id="devices" title="Devices" className="mt-10" intro="Where you are signed in. Sign out of any device you do not recognise.">
        <DeviceList
          devices={devices.map((d) => ({
            id: d.id,
            name: describeDevice(d.userAgent) ?? "Unknown device",
            ipAddress: d.ipAddress,
            created: formatDateTime(d.createdAt, { timeZone: zone }),
            lastSeen: formatDateTime(d.lastSeenAt ?? d.createdAt, { timeZone: zone }),
            current: d.current,
          }))}
        />
      </PageSection>

      <PageSection
        id="my-data"
        title="My data"
        className="mt-10"
        intro="Everything that happened to your connections, in the same format as Ledgerlink's own audit export."
      >
        <p className="mt-2 flex flex-wrap gap-3 text-sm">
          <a href="/activity/export?format=csv" className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100" download>
            Download CSV
          </a>
          <a href="/activity/export?format=ndjson" className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100" download>
            Download NDJSON
          </a>
        </p>
      </PageSection>

      <PageSection id="delete-account" title="Delete my account" className="mt-10 rounded-lg border border-red-200 bg-white p-4" titleClassName="text-lg font-medium text-red-900">
        <p className="mt-1 text-sm text-zinc-700">
          Ledgerlink disconnects every connection (and asks each bank to revoke its access), signs you out everywhere and removes your
          email address and profile. The record of what happened to your connections stays under an anonymous id. This cannot be undone.
        </p>
        <DeleteAccountForm />
      </PageSection>
    </PageShell>
  );
}
