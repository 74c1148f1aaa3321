"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

const EVERY_MS = 1500;
/** The background read times out well before this; stop asking after it. */
const GIVE_UP_AFTER_MS = 45_000;

/** While a card's first accounts read runs (after the response), re-render the page now and then. */
export function RefreshWhileReading() {
  const router = useRouter();
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > GIVE_UP_AFTER_MS) clearInterval(timer);
      else router.refresh();
    }, EVERY_MS);
    return () => clearInterval(timer);
  }, [router]);
  return null;
}
