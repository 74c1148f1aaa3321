/**
 * The zone a person reads times in. Stored as an IANA name (`Europe/Paris`); anything the
 * runtime's time-zone database does not know falls back to UTC, and the caller is told so
 * it can say it ("we did not recognise …, showing UTC").
 */
import { dateTimeFormat } from "./intl-formats";

export const DEFAULT_TIME_ZONE = "UTC";
const MAX_ZONE_LENGTH = 64;

/** True when `Intl` can format in `zone` (the same database the browser detected it from). */
export function isKnownTimeZone(zone: string | null | undefined): zone is string {
  if (!zone || zone.length > MAX_ZONE_LENGTH) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface ResolvedTimeZone {
  zone: string;
  /** The stored or asked-for name was not a zone we know; `zone` is UTC. */
  unknown: string | null;
}

export function resolveTimeZone(zone: string | null | undefined): ResolvedTimeZone {
  if (!zone) return { zone: DEFAULT_TIME_ZONE, unknown: null };
  return isKnownTimeZone(zone) ? { zone: canonicalZone(zone), unknown: null } : { zone: DEFAULT_TIME_ZONE, unknown: zone };
}

/** `europe/paris` → `Europe/Paris`: the runtime's own spelling, so one zone is stored one way. */
function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * The cookie that remembers a zone the browser reported and we did not recognise, so /settings
 * can say so (nothing is stored for it in the database; times stay in UTC until one is chosen).
 */
export const UNRECOGNISED_ZONE_COOKIE = "ll_unrecognised_time_zone";

/** What the unrecognised-zone cookie may hold: a bounded, printable name, or nothing. */
export function unrecognisedZoneName(value: string | null | undefined): string | null {
  const cleaned = value?.replace(/[^\x20-\x7e]/g, "").trim().slice(0, MAX_ZONE_LENGTH);
  return cleaned ? cleaned : null;
}

/**
 * "Central European Standard Time (Europe/Paris)": the zone named, as /settings shows it.
 * `zone` is a resolved one (resolveTimeZone), so its formatter is kept (a few hundred at most).
 */
export function describeTimeZone(zone: string, at: Date = new Date()): string {
  const long = dateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "long" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  return long && long !== zone ? `${long} (${zone})` : zone;
}

/** Every zone the runtime knows, for the settings picker. */
export function listTimeZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes(DEFAULT_TIME_ZONE) ? zones : [DEFAULT_TIME_ZONE, ...zones];
}
