import type { Metadata } from "next";

import { PageShell } from "@/components/page-shell";
import { requireUser } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage() {
  const user = await requireUser("/activity");
  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Activity</h1>
      <p className="mt-2 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">
        Nothing has happened to your connections yet.
      </p>
    </PageShell>
  );
}
