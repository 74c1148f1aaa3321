import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";

import { listDevMail } from "@/lib/db/queries/dev-mailbox";
import { devMailboxEnabled } from "@/lib/email/dev-mailbox-enabled";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Development mailbox" };

export default async function DevMailboxPage() {
  await connection(); // always rendered per request: the mailbox changes
  if (!devMailboxEnabled()) notFound();
  const mail = await listDevMail();
  return (
    <main id="main" className="mx-auto max-w-3xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Development mailbox</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Emails the app would have sent. Set <code>SMTP_URL</code> to send real ones.
      </p>
      {mail.length === 0 ? (
        <p className="mt-6 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">
          No emails yet. Sign in or connect a bank and they will show up here.
        </p>
      ) : (
        <ul className="mt-6 divide-y divide-zinc-200 rounded-md border border-zinc-200 bg-white">
          {mail.map((m) => (
            <li key={m.id}>
              <Link href={`/dev/mailbox/${m.id}`} className="block px-4 py-3 hover:bg-zinc-50">
                <span className="block font-medium">{m.subject}</span>
                <span className="block text-sm text-zinc-600">
                  To {m.toAddress} · <time dateTime={m.createdAt.toISOString()}>{formatDateTime(m.createdAt)}</time>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
