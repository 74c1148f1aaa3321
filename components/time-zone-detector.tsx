"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

import { updateTimeZone } from "@/app/(app)/settings/actions";
import { idleState } from "@/lib/actions/action-state";

/** Set in this tab once the server has answered that it does not know the browser's zone. */
const REPORTED_KEY = "ledgerlink:unrecognised-time-zone-reported";

/**
 * Tells the server the browser's time zone once, for a person who has none stored yet; after
 * that the stored zone wins (changed in /settings), so travelling does not rewrite it. A zone
 * the server does not recognise is stored nowhere: /settings then says times are in UTC and
 * asks for a choice, and this tab does not ask again on every page.
 */
export function TimeZoneDetector() {
  const router = useRouter();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (readReported() === zone) return;
    const form = new FormData();
    form.set("timeZone", zone || "UTC");
    void updateTimeZone(idleState, form).then((answer) => {
      if (answer.status === "error") writeReported(zone);
      router.refresh();
    });
  }, [router]);
  return null;
}

function readReported(): string | null {
  try {
    return window.sessionStorage.getItem(REPORTED_KEY);
  } catch {
    return null;
  }
}

function writeReported(zone: string): void {
  try {
    window.sessionStorage.setItem(REPORTED_KEY, zone);
  } catch {
    // Storage refused (private mode): the detector asks again on the next page, no harm.
  }
}
