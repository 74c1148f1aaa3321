import { z } from "zod";

/** A refusal of what was typed as an email address; Auth.js logs it by name (lib/auth/auth.ts). */
export class InvalidSignInEmail extends Error {
  constructor() {
    super("not exactly one email address");
    this.name = "InvalidSignInEmail";
  }
}

// One plain address: no list (`a@x.test,b@y.test`), no display name, quotes, spaces or
// comments, which a mail library could read as more than one recipient.
const singleAddress = z.email().max(254);

/**
 * The one address a sign-in link goes to, normalised (NFKC, trimmed, lower case), or an
 * InvalidSignInEmail. NFKC first, so a full-width `＠` or `，` becomes the character a mail
 * library would later read, and is checked as such. Used by the form and by Auth.js itself
 * (the provider's `normalizeIdentifier`), so neither path accepts what the other refuses.
 */
export function normalizeSignInEmail(value: unknown): string {
  if (typeof value !== "string") throw new InvalidSignInEmail();
  const normalized = value.normalize("NFKC").trim().toLowerCase();
  if (!singleAddress.safeParse(normalized).success) throw new InvalidSignInEmail();
  return normalized;
}
