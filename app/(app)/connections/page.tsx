import type { Metadata } from "next";

import { PageShell } from "@/components/page-shell";
import { requireUser } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  const user = await requireUser("/connections");
  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Connections</h1>
      <section aria-labelledby="your-connections" className="mt-6">
        <h2 id="your-connections" className="text-lg font-medium">
          Your connections
        </h2>
        <p className="mt-2 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">
          You have not connected any bank or brokerage yet.
        </p>
      </section>
    </PageShell>
  );
}
