import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";

import { getDevMail } from "@/lib/db/queries/dev-mailbox";
import { devMailboxEnabled } from "@/lib/email/dev-mailbox-enabled";
import { formatDateTime } from "@/lib/format";

export default async function DevMailPage({ params }: { params: Promise<{ id: string }> }) {
  if (!devMailboxEnabled()) notFound();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const mail = await getDevMail({ id });
  if (!mail) notFound();
  return (
    <main id="main" className="mx-auto max-w-3xl px-4 py-8">
      <Link href="/dev/mailbox" className="text-sm underline">
        ← Mailbox
      </Link>
      <h1 className="mt-4 text-2xl font-semibold">{mail.subject}</h1>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 text-sm text-zinc-600">
        <dt>From</dt>
        <dd>{mail.fromAddress}</dd>
        <dt>To</dt>
        <dd>{mail.toAddress}</dd>
        <dt>Date</dt>
        <dd>{formatDateTime(mail.createdAt)}</dd>
      </dl>
      <h2 className="mt-6 font-medium">HTML</h2>
      {/* No allow-scripts: the email renders, its links open, nothing in it runs. */}
      <iframe
        title={`HTML of “${mail.subject}”`}
        srcDoc={mail.html}
        sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
        className="mt-2 h-[28rem] w-full rounded-md border border-zinc-200 bg-white"
      />
      <h2 className="mt-6 font-medium">Plain text</h2>
      <pre className="mt-2 whitespace-pre-wrap rounded-md border border-zinc-200 bg-white p-4 text-sm">{mail.text}</pre>
    </main>
  );
}
