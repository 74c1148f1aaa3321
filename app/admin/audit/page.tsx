import type { Metadata } from "next";

import { PageShell } from "@/components/page-shell";
import { requireAdmin } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Audit" };

export default async function AdminAuditPage() {
  const user = await requireAdmin("/admin/audit");
  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Audit timeline</h1>
      <p className="mt-2 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">No audit rows yet.</p>
    </PageShell>
  );
}
