/**
 * Calendar days in a time zone (an IANA name, lib/time-zone.ts): which day an instant
 * falls on there, and the instant a day starts. A day is midnight to midnight on the zone's
 * clocks, so across a DST change it is 23 or 25 hours long, never 24 by arithmetic. Pure: the
 * runtime's time-zone database through `Intl`, no library.
 */

import { dateTimeFormat } from "./intl-formats";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;

function partsFormat(zone: string): Intl.DateTimeFormat {
  return dateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** The zone's clock at `instant`, read as if it were UTC (milliseconds since the epoch). */
function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall + (instant % 1000 + 1000) % 1000;
}

/** How far the zone's clocks are ahead of UTC at `instant` (New York in winter: -5 h). */
export function zoneOffsetMs(instant: Date, zone: string): number {
  return wallClock(instant.getTime(), zone) - instant.getTime();
}

/** The day (YYYY-MM-DD) `instant` falls on in `zone`. */
export function dayInZone(instant: Date, zone: string): string {
  return new Date(wallClock(instant.getTime(), zone)).toISOString().slice(0, 10);
}

/** `day` moved by `days` calendar days ("2026-03-08", 1 → "2026-03-09"). */
export function addDays(day: string, days: number): string {
  const match = DAY.exec(day);
  if (!match) throw new RangeError(`not a day: ${day}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days)).toISOString().slice(0, 10);
}

/**
 * The first instant of `day` in `zone`: its midnight, or where a zone's clocks jump over
 * midnight (America/Santiago in September), the instant of the jump.
 */
export function startOfDayInZone(day: string, zone: string): Date {
  const midnight = Date.parse(`${addDays(day, 0)}T00:00:00.000Z`);
  // The offset at midnight is the offset on one side of it or the other: try both.
  const first = midnight - zoneOffsetMs(new Date(midnight), zone);
  const second = midnight - zoneOffsetMs(new Date(first), zone);
  const candidates = [...new Set([first, second])].sort((a, b) => a - b);
  const exact = candidates.find((t) => wallClock(t, zone) === midnight);
  if (exact !== undefined) return new Date(exact);
  const onTheDay = candidates.find((t) => dayInZone(new Date(t), zone) === day);
  // No midnight that day: the clocks went from before it to after it at the earlier candidate.
  return new Date(onTheDay ?? candidates[0]! + HOUR_MS);
}

/**
 * The instants a day filter means in `zone`: `from` at its first instant (inclusive) and `to`
 * at the first instant of the day after it (exclusive), so `to` is a whole day included.
 */
export function dayRangeInZone(
  { from, to }: { from?: string; to?: string },
  zone: string,
): { start: Date | null; end: Date | null } {
  return {
    start: from ? startOfDayInZone(from, zone) : null,
    end: to ? startOfDayInZone(addDays(to, 1), zone) : null,
  };
}

/** "2026-11-27T05:04:05.123-05:00": an ISO 8601 time on the zone's clock, with its offset. */
export function isoInZone(instant: Date, zone: string): string {
  const offset = zoneOffsetMs(instant, zone);
  const wall = new Date(instant.getTime() + offset).toISOString().slice(0, 23);
  if (offset === 0) return `${wall}Z`;
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${wall}${offset < 0 ? "-" : "+"}${hh}:${mm}`;
}
