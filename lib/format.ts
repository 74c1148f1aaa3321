/** How times are shown to people: in UTC or the reader's zone, and always said which. */
import { dateTimeFormat } from "./intl-formats";

const MINUTES: Intl.DateTimeFormatOptions = {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
};
const SECONDS: Intl.DateTimeFormatOptions = { ...MINUTES, second: "2-digit" };
const minutes = new Intl.DateTimeFormat("en-GB", { ...MINUTES, timeZone: "UTC" });
const seconds = new Intl.DateTimeFormat("en-GB", { ...SECONDS, timeZone: "UTC" });
// Built once: building one reads the locale data (a connection card formats several distances).
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** A formatter in `timeZone` that names the zone ("GMT+1", "EST"); built once per zone. */
function zonedFormat(timeZone: string, withSeconds: boolean): Intl.DateTimeFormat {
  return dateTimeFormat("en-GB", { ...(withSeconds ? SECONDS : MINUTES), timeZone, timeZoneName: "short" });
}

/**
 * "27 Nov 2026, 10:04 UTC"; with `withSeconds` (an audit trail, where they matter) "…10:04:05 UTC".
 * With `timeZone` (the reader's, lib/time-zone.ts) the time is in that zone and names it.
 */
export function formatDateTime(
  value: Date | string | null | undefined,
  { withSeconds = false, timeZone }: { withSeconds?: boolean; timeZone?: string } = {},
): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  if (timeZone && timeZone !== "UTC") return zonedFormat(timeZone, withSeconds).format(date);
  return `${(withSeconds ? seconds : minutes).format(date)} UTC`;
}

/** "in 4 minutes", "2 hours ago": for expiries, where the distance matters more than the clock. */
export function formatRelative(value: Date | null | undefined, now = new Date()): string {
  if (!value) return "—";
  const diff = Math.round((value.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(diff);
  const [amount, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60
      ? [diff, "second"]
      : abs < 3600
        ? [Math.round(diff / 60), "minute"]
        : abs < 86400
          ? [Math.round(diff / 3600), "hour"]
          : [Math.round(diff / 86400), "day"];
  return relative.format(amount, unit);
}
