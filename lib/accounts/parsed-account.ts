/**
 * What an accounts parser produces, whatever the provider's format: one shape for
 * `provider_accounts`. Parsers are pure (text in, result out) and refuse a whole response
 * rather than store part of it, so a bad read never replaces good rows.
 */
import { createHmac } from "node:crypto";

export const ACCOUNT_TYPES = ["checking", "savings", "credit_card", "brokerage", "other"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export interface ParsedAccount {
  externalId: string;
  type: AccountType;
  name: string;
  /** "…1234" — never more than the last four characters of the number. */
  maskedNumber: string | null;
  currency: string;
  /** Decimal strings with four places, exact for `numeric(20, 4)`. */
  currentBalance: string | null;
  availableBalance: string | null;
  balanceAsOf: Date | null;
}

/** Why a response was refused: the reason code is stored; the detail is only logged. */
export type ParseFailure = { ok: false; reason: "not_json" | "malformed" | "too_many_accounts"; detail: string };
export type ParseResult = { ok: true; accounts: ParsedAccount[] } | ParseFailure;

/** More accounts than any person holds at one institution: a broken or hostile answer. */
export const MAX_ACCOUNTS = 200;
const MAX_ABS_BALANCE = 1e14; // numeric(20, 4) holds 16 integer digits; leave room

export class MalformedAccounts extends Error {}

export function parseJson(text: string): { ok: true; value: unknown } | ParseFailure {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: "not_json", detail: `body is not JSON (${text.length} characters)` };
  }
}

/** "…1234" from whatever the provider sent (a full or already-masked number). */
export function maskAccountNumber(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const tail = value.replace(/[^0-9A-Za-z]/g, "").slice(-4);
  return tail ? `…${tail}` : null;
}

/**
 * A stable id that is not the account number (for providers whose only id is the number).
 * Keyed with a server secret: account numbers are short, so a plain hash beside the stored
 * last four digits could be reversed by trying every number that ends in them.
 */
export function opaqueId(prefix: string, value: string, key: string): string {
  return `${prefix}-${createHmac("sha256", key).update(`${prefix}:${value}`).digest("hex").slice(0, 24)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A balance must be a JSON number; a string ("12.30") or NaN-ish value refuses the response. */
export function balance(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) >= MAX_ABS_BALANCE) {
    throw new MalformedAccounts(`${field} is not a number`);
  }
  return value.toFixed(4);
}

export function requiredString(value: unknown, field: string, maxLength = 200): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > maxLength) {
    throw new MalformedAccounts(`${field} is missing or not a short string`);
  }
  return value.trim();
}

export function optionalDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === "string" ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new MalformedAccounts(`${field} is not a date`);
  return date;
}

export function currencyCode(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^[A-Z]{3}$/.test(value)) throw new MalformedAccounts(`${field} is not an ISO 4217 code`);
  return value;
}

/** Runs a format's mapper over a list, turning a thrown MalformedAccounts into a refusal. */
export function parseList(list: unknown, mapOne: (item: unknown, index: number) => ParsedAccount): ParseResult {
  if (!Array.isArray(list)) return { ok: false, reason: "malformed", detail: "accounts is not a list" };
  if (list.length > MAX_ACCOUNTS) {
    return { ok: false, reason: "too_many_accounts", detail: `${list.length} accounts (at most ${MAX_ACCOUNTS})` };
  }
  try {
    const accounts = list.map(mapOne);
    const ids = new Set(accounts.map((a) => a.externalId));
    if (ids.size !== accounts.length) return { ok: false, reason: "malformed", detail: "two accounts share an id" };
    return { ok: true, accounts };
  } catch (error) {
    if (error instanceof MalformedAccounts) return { ok: false, reason: "malformed", detail: error.message };
    throw error;
  }
}
