"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

import { updateTimeZone } from "@/app/(app)/settings/actions";
import { idleState } from "@/lib/actions/action-state";

/**
 * Tells the server the browser's time zone once, for a person who has none stored yet; after
 * that the stored zone wins (changed in /settings), so travelling does not rewrite it.
 */
export function TimeZoneDetector() {
  const router = useRouter();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const form = new FormData();
    form.set("timeZone", zone || "UTC");
    void updateTimeZone(idleState, form).then(() => router.refresh());
  }, [router]);
  return null;
}
