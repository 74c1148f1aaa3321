import type { Adapter, AdapterUser } from "next-auth/adapters";

/** Each address Auth.js looked up, and the zone stored with it (null: none stored, or no account). */
export type RecipientZones = Map<string, string | null>;

/**
 * Auth.js reads the user by address (`getUserByEmail`) just before it mails a sign-in link,
 * then gives the mailer only the address. This keeps the zone of the row it read, so the
 * email (lib/auth/send-sign-in-email.ts) is written in it without reading the row again.
 * `zones` belongs to one Auth.js configuration, which NextAuth builds for each request
 * (lib/auth/auth.ts): nothing is kept past the request.
 */
export function rememberRecipientZones(adapter: Adapter, zones: RecipientZones): Adapter {
  const { getUserByEmail } = adapter;
  if (!getUserByEmail) return adapter;
  return {
    ...adapter,
    async getUserByEmail(email) {
      const user = await getUserByEmail(email);
      zones.set(email, (user as (AdapterUser & { timeZone?: string | null }) | null)?.timeZone ?? null);
      return user;
    },
  };
}
