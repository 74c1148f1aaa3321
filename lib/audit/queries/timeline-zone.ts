/**
 * The zone the admin timeline shows its times and reads its day filters in: `?tz=utc`, or
 * `?tz=local`, the admin's own stored zone (lib/time-zone.ts). Without `tz`, local when
 * the admin has a zone stored, else UTC. The export linked from the page carries the same `tz`,
 * so a filtered download holds the same days as the page. Pure: no database.
 */
import { z } from "zod";

import { DEFAULT_TIME_ZONE, resolveTimeZone } from "../../time-zone";

export const TIMELINE_ZONE_CHOICES = ["utc", "local"] as const;
export type TimelineZoneChoice = (typeof TIMELINE_ZONE_CHOICES)[number];

/** The `tz` parameter as pages check it (lib/http/page-params.ts): absent, or one of the choices. */
export const timelineZoneParam = z.enum(TIMELINE_ZONE_CHOICES).optional();

export interface TimelineZone {
  choice: TimelineZoneChoice;
  /** The IANA zone times are shown in. */
  zone: string;
  /** The admin's own zone (UTC when none is stored): what "local" means. */
  local: string;
}

export function timelineZone(choice: TimelineZoneChoice | undefined, storedZone: string | null | undefined): TimelineZone {
  const local = resolveTimeZone(storedZone).zone;
  const chosen = choice ?? (storedZone && local !== DEFAULT_TIME_ZONE ? "local" : "utc");
  return { choice: chosen, zone: chosen === "utc" ? DEFAULT_TIME_ZONE : local, local };
}
