import type { ReactNode } from "react";

import type { SignedInUser } from "@/lib/auth/guards";

import { AppHeader } from "./app-header";
import { TimeZoneDetector } from "./time-zone-detector";

/** Header + main landmark around every signed-in page. */
export function PageShell({ user, children }: { user: SignedInUser; children: ReactNode }) {
  return (
    <>
      <AppHeader user={user} />
      {user.timeZone ? null : <TimeZoneDetector />}
      <main id="main" className="mx-auto max-w-5xl px-4 py-8">
        {children}
      </main>
    </>
  );
}
