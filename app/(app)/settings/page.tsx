import type { Metadata } from "next";

import { PageShell } from "@/components/page-shell";
import { DeleteAccountForm } from "@/components/settings/delete-account-form";
import { DeviceList } from "@/components/settings/device-list";
import { TimeZoneForm } from "@/components/settings/time-zone-form";
import { requireUser } from "@/lib/auth/guards";
import { describeDevice } from "@/lib/email/describe-device";
import { formatDateTime } from "@/lib/format";
import { listDevices } from "@/lib/people/session-devices";
import { describeTimeZone, listTimeZones, resolveTimeZone } from "@/lib/people/time-zone";

export const metadata: Metadata = { title: "Settings" };

/** Time zone, devices (Auth.js sessions), my data, delete my account (DESIGN.md §7). */
export default async function SettingsPage() {
  const user = await requireUser("/settings");
  const { zone, unknown } = resolveTimeZone(user.timeZone);
  const devices = await listDevices({ userId: user.id });

  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Settings</h1>

      <section aria-labelledby="time-zone" className="mt-6">
        <h2 id="time-zone" className="text-lg font-medium">
          Time zone
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          Times are shown in <strong data-testid="current-time-zone">{describeTimeZone(zone)}</strong>. Emails use it too.
        </p>
        {unknown ? (
          <p role="note" className="mt-2 text-sm text-amber-900">
            We do not recognise the time zone “{unknown}”, so times are shown in UTC.
          </p>
        ) : null}
        <TimeZoneForm current={zone} zones={listTimeZones()} />
      </section>

      <section aria-labelledby="devices" className="mt-10">
        <h2 id="devices" className="text-lg font-medium">
          Devices
        </h2>
        <p className="mt-1 text-sm text-zinc-600">Where you are signed in. Sign out of any device you do not recognise.</p>
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
      </section>

      <section aria-labelledby="my-data" className="mt-10">
        <h2 id="my-data" className="text-lg font-medium">
          My data
        </h2>
        <p className="mt-1 text-sm text-zinc-600">Everything that happened to your connections, in the same format as Ledgerlink&apos;s own audit export.</p>
        <p className="mt-2 flex flex-wrap gap-3 text-sm">
          <a href="/activity/export?format=csv" className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100" download>
            Download CSV
          </a>
          <a href="/activity/export?format=ndjson" className="rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100" download>
            Download NDJSON
          </a>
        </p>
      </section>

      <section aria-labelledby="delete-account" className="mt-10 rounded-lg border border-red-200 bg-white p-4">
        <h2 id="delete-account" className="text-lg font-medium text-red-900">
          Delete my account
        </h2>
        <p className="mt-1 text-sm text-zinc-700">
          Ledgerlink disconnects every connection (and asks each bank to revoke its access), signs you out everywhere and removes your
          email address and profile. The record of what happened to your connections stays under an anonymous id. This cannot be undone.
        </p>
        <DeleteAccountForm />
      </section>
    </PageShell>
  );
}
