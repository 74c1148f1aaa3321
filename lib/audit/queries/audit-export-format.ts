/**
 * The export's records (DESIGN.md §5) and their two encodings. Pure, so the escaping rules are
 * unit-tested: CSV per RFC 4180 (quotes doubled, fields with a quote, comma or line break
 * quoted) and, because these files are opened in spreadsheets, a cell that starts with
 * = + - @ (or a tab or carriage return) is prefixed with a single quote so it is never run
 * as a formula (OWASP "CSV injection"). A user agent is attacker-controlled text.
 */
import type { ExportFormat } from "../audit-access";
import { canonicalJson } from "../audit-hash";
import type { AuditFilters } from "./audit-filters";

export const EXPORT_FIELDS = [
  "eventId",
  "correlationId",
  "action",
  "outcome",
  "occurredAt",
  "userId",
  "providerSlug",
  "connectionId",
  "reason",
  "needsUserAction",
  "ipAddress",
  "userAgent",
  // The chain (issue 10): with these, every row's hash can be recomputed from the file alone
  // (docs/AUDIT-FORMAT.md): its place, the rest of the hashed content, and the hashes.
  "seq",
  "eventType",
  "workflow",
  "actorType",
  "actorUserId",
  "providerId",
  "recordedAt",
  "metadata",
  "prevHash",
  "hash",
] as const;

export interface ExportRecord {
  eventId: string;
  correlationId: string;
  action: string;
  outcome: "attempted" | "succeeded" | "failed";
  /** ISO 8601, UTC. */
  occurredAt: string;
  /** The connection's owner, for scheduled refreshes too. */
  userId: string | null;
  providerSlug: string;
  connectionId: string | null;
  reason: string | null;
  needsUserAction: boolean | null;
  ipAddress: string | null;
  userAgent: string | null;
  seq: number;
  eventType: string;
  workflow: string;
  actorType: string;
  actorUserId: string | null;
  providerId: string;
  /** ISO 8601, UTC. */
  recordedAt: string;
  /** As stored; in CSV, its canonical JSON. */
  metadata: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The NDJSON export's last line: a signed checkpoint over its last row (DESIGN §7). */
export interface CheckpointLine {
  type: "checkpoint";
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
  /** `full`: the whole chain from its first row; `filtered`: the rows of the matching runs. */
  scope: "full" | "filtered";
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | boolean | null | Record<string, unknown>): string {
  if (value === null) return "";
  let text = typeof value === "object" ? canonicalJson(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = `${EXPORT_FIELDS.join(",")}\r\n`;

export function csvLine(record: ExportRecord): string {
  return `${EXPORT_FIELDS.map((field) => csvCell(record[field])).join(",")}\r\n`;
}

export function ndjsonLine(record: ExportRecord): string {
  // Fixed key order, whatever order the record was built in.
  const ordered: Record<string, unknown> = {};
  for (const field of EXPORT_FIELDS) ordered[field] = record[field];
  return `${JSON.stringify(ordered)}\n`;
}

export function checkpointLine(line: CheckpointLine): string {
  const { type, seq, hash, at, keyId, signature, scope } = line;
  return `${JSON.stringify({ type, seq, hash, at, keyId, signature, scope })}\n`;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

const slugPart = (value: string) =>
  value
    .toLowerCase()
    .replace(/@/g, "-at-")
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);

/**
 * A file name that says what the file holds: the filters in a fixed order, the date range and
 * when it was exported, e.g. `ledgerlink-audit_refresh_failed_sandbox-bank_2026-10-01_to_2026-10-31_exported-20261127T1004Z.csv`.
 */
export function exportFilename(filters: AuditFilters, format: ExportFormat, now = new Date()): string {
  const parts = ["ledgerlink-audit"];
  parts.push(filters.workflow ?? "all-workflows");
  if (filters.outcome) parts.push(filters.outcome === "attempted" ? "no-outcome" : filters.outcome);
  if (filters.reason) parts.push(filters.reason.replace(/_/g, "-"));
  if (filters.provider) parts.push(slugPart(filters.provider));
  if (filters.user) parts.push(`user-${slugPart(filters.user)}`);
  if (filters.correlation) parts.push(`run-${filters.correlation.slice(0, 8)}`);
  parts.push(filters.from || filters.to ? `${filters.from ?? "start"}_to_${filters.to ?? "now"}` : "all-time");
  // "2026-11-27T10:04:59.999Z" → "20261127T1004Z": to the minute.
  const stamp = `${now.toISOString().replace(/[-:]/g, "").slice(0, 13)}Z`;
  parts.push(`exported-${stamp}`);
  return `${parts.join("_")}.${format}`;
}

/** `attachment` with an ASCII name and its RFC 5987 twin (the name is ASCII already; belt and braces). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** The download response of an export stream: a file to save, never cached or sniffed. */
export function exportResponse(body: ReadableStream<Uint8Array>, format: ExportFormat, filename: string): Response {
  return new Response(body, {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": contentDisposition(filename),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
