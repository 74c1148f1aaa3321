import { expect } from "@playwright/test";

import type { CapturedEmail } from "../../test/support/smtp-capture";
import { E2E_PORTS } from "./e2e-env";

const api = `http://127.0.0.1:${E2E_PORTS.smtpHttp}/messages`;

export async function listEmails(): Promise<CapturedEmail[]> {
  const response = await fetch(api);
  return (await response.json()) as CapturedEmail[];
}

/** Emails sent to `to` (optionally with this subject), once at least `count` have arrived. */
export async function waitForEmails(to: string, { subject, count = 1 }: { subject?: string; count?: number } = {}) {
  let found: CapturedEmail[] = [];
  await expect
    .poll(
      async () => {
        found = (await listEmails()).filter((m) => m.to.includes(to) && (!subject || m.subject === subject));
        return found.length;
      },
      { message: `email to ${to}${subject ? ` with subject "${subject}"` : ""}`, timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return found;
}

export function linkIn(email: CapturedEmail, startsWith: string): string {
  const link = email.text.match(/https?:\/\/\S+/g)?.find((l) => l.startsWith(startsWith));
  if (!link) throw new Error(`no link starting with ${startsWith} in "${email.subject}"`);
  return link.replace(/[)\].,]+$/, "");
}
