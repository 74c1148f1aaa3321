/**
 * Scans what a workflow left behind — log lines, outbox payloads, handler errors, audit rows,
 * email deliveries, the development mailbox and captured SMTP messages — for credentials
 * (DESIGN.md §1: no event, log line, audit row or email ever contains one).
 *
 *   const leaks = findCredentialLeaks(await collectEventArtifacts({ logs, emails }), { accessToken, refreshToken, code });
 *   expect(leaks).toEqual([]);
 *
 * Each credential is also looked for URL-encoded and base64/base64url-encoded, the usual
 * ways a value slips into a URL, a header or an email.
 */
import { inArray, sql } from "drizzle-orm";

import { getDb } from "@/lib/db/client";
import { auditLogs, devMailbox, emailDeliveries, eventHandlerRuns, eventOutbox } from "@/lib/db/schema";

import type { CapturedEmail } from "./smtp-capture";

export interface Artifact {
  /** Where it came from, e.g. `audit_logs#12`, `log line 3`, `smtp <id@host>`. */
  source: string;
  content: string;
}

export interface CredentialLeak {
  credential: string;
  encoding: string;
  source: string;
  /** The surrounding text, with the credential itself replaced by its name. */
  excerpt: string;
}

export function credentialVariants(value: string): { encoding: string; text: string }[] {
  const variants = [
    { encoding: "raw", text: value },
    { encoding: "url", text: encodeURIComponent(value) },
    { encoding: "base64", text: Buffer.from(value).toString("base64").replace(/=+$/, "") },
    { encoding: "base64url", text: Buffer.from(value).toString("base64url") },
  ];
  return variants.filter((v, i) => v.text.length >= 6 && variants.findIndex((w) => w.text === v.text) === i);
}

export function findCredentialLeaks(artifacts: Artifact[], credentials: Record<string, string>): CredentialLeak[] {
  const leaks: CredentialLeak[] = [];
  for (const [name, value] of Object.entries(credentials)) {
    if (value.length < 6) throw new Error(`credential "${name}" is too short to scan for meaningfully`);
    for (const { encoding, text } of credentialVariants(value)) {
      for (const artifact of artifacts) {
        const at = artifact.content.indexOf(text);
        if (at === -1) continue;
        const excerpt = artifact.content.slice(Math.max(0, at - 60), at + text.length + 60).split(text).join(`[${name}]`);
        leaks.push({ credential: name, encoding, source: artifact.source, excerpt });
      }
    }
  }
  return leaks;
}

export interface CollectOptions {
  /** Only rows of these workflows (default: every row in the tables). */
  correlationIds?: string[];
  /** Raw log lines, e.g. `captureLogs().raw`. */
  logs?: string[];
  /** Messages from an SMTP capture. */
  emails?: CapturedEmail[];
}

/** Everything the event pipeline wrote, as text to scan. */
export async function collectEventArtifacts({ correlationIds, logs = [], emails = [] }: CollectOptions = {}): Promise<Artifact[]> {
  const db = await getDb();
  const ids = correlationIds;
  const audits = await db.select().from(auditLogs).where(ids ? inArray(auditLogs.correlationId, ids) : undefined);
  const outbox = await db
    .select()
    .from(eventOutbox)
    .where(ids ? inArray(sql`${eventOutbox.payload}->>'correlationId'`, ids) : undefined);
  const runs = await db
    .select()
    .from(eventHandlerRuns)
    .where(ids ? inArray(eventHandlerRuns.eventId, outbox.map((o) => o.eventId)) : undefined);
  const deliveries = await db
    .select()
    .from(emailDeliveries)
    .where(ids ? inArray(emailDeliveries.correlationId, ids) : undefined);
  const mailbox = await db
    .select()
    .from(devMailbox)
    .where(ids ? inArray(devMailbox.messageId, deliveries.map((d) => d.messageId)) : undefined);

  return [
    ...logs.map((content, i) => ({ source: `log line ${i + 1}`, content })),
    ...outbox.map((row) => ({ source: `event_outbox ${row.eventId}`, content: JSON.stringify(row) })),
    ...runs.map((row) => ({ source: `event_handler_runs ${row.eventId}/${row.handler}`, content: JSON.stringify(row) })),
    ...audits.map((row) => ({ source: `audit_logs#${row.seq}`, content: JSON.stringify(row) })),
    ...deliveries.map((row) => ({ source: `email_deliveries ${row.id}`, content: JSON.stringify(row) })),
    ...mailbox.map((row) => ({ source: `dev_mailbox ${row.id}`, content: JSON.stringify(row) })),
    ...emails.map((mail) => ({ source: `smtp ${mail.messageId ?? mail.subject}`, content: `${mail.raw}\n${mail.text}\n${mail.html}` })),
  ];
}
