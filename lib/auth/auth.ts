/**
 * Auth.js v5: email magic links (Nodemailer provider) with database sessions through
 * the Drizzle adapter. Admins are the users whose email is listed in ADMIN_EMAILS.
 */
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type DefaultSession } from "next-auth";
import Nodemailer from "next-auth/providers/nodemailer";

import { getDb } from "../db/client";
import { accounts, sessions, users, verificationTokens } from "../db/schema";
import { env } from "../env";
import { getLogger } from "../logger";
import { InvalidSignInEmail, normalizeSignInEmail } from "./normalize-sign-in-email";
import { rememberRecipientZones, type RecipientZones } from "./recipient-zones";
import { sendSignInEmail } from "./send-sign-in-email";
import { signInCallback } from "./sign-in-callback";
import { recordSignOut, withSessionDevices } from "./with-session-devices";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; isAdmin: boolean; timeZone: string | null } & DefaultSession["user"];
  }
}

export function isAdminEmail(email: string | null | undefined): boolean {
  return !!email && env.ADMIN_EMAILS.includes(email.toLowerCase());
}

export const { handlers, auth, signIn, signOut } = NextAuth(async () => {
  const db = await getDb();
  // This request's lookups by address, for the sign-in email's time zone (one read of the row).
  const zones: RecipientZones = new Map();
  return {
    adapter: rememberRecipientZones(
      withSessionDevices(
        DrizzleAdapter(db, {
          usersTable: users,
          accountsTable: accounts,
          sessionsTable: sessions,
          verificationTokensTable: verificationTokens,
        }),
      ),
      zones,
    ),
    events: { signOut: recordSignOut },
    secret: env.AUTH_SECRET,
    // APP_URL is the deployment's own origin; requests are trusted to name it.
    trustHost: true,
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60 },
    providers: [
      Nodemailer({
        // Only read by Auth.js's default sender, which sendSignInEmail replaces.
        server: env.SMTP_URL ?? "smtp://localhost:25",
        from: env.EMAIL_FROM,
        maxAge: 15 * 60,
        // Every way to ask for a link (our form, or a POST to /api/auth/signin/nodemailer)
        // comes through here: exactly one address, or no link.
        normalizeIdentifier: normalizeSignInEmail,
        sendVerificationRequest: (request) => sendSignInEmail({ ...request, storedZone: zones.get(request.identifier) }),
      }),
    ],
    pages: { signIn: "/signin", verifyRequest: "/signin/check-email", error: "/signin/error" },
    logger: {
      // An expired or reused link is the user's everyday mistake, not a server error.
      error: (error) => {
        if (error.name === "Verification") return getLogger().info("sign-in link expired or already used");
        // signInCallback's refusal of a deleted account: expected, not a server error.
        if (error.name === "AccessDenied") return getLogger().info("sign-in refused: deleted account");
        // What normalizeIdentifier throws: a bad address is the visitor's doing, not ours.
        if (error instanceof InvalidSignInEmail) {
          return getLogger().info("sign-in link refused: not exactly one email address");
        }
        getLogger().error({ err: { name: error.name, message: error.message } }, "Auth.js error");
      },
      warn: (code) => getLogger().warn({ code }, "Auth.js warning"),
      debug: () => {},
    },
    callbacks: {
      // Before a link is mailed and when it is followed: refuses deleted accounts, limits links.
      signIn: signInCallback,
      // With database sessions Auth.js passes the adapter's row (sessionToken included) as
      // `session`: whatever this returns is what /api/auth/session serves to any script on
      // the page. The user and the expiry only; the token stays in its HttpOnly cookie.
      session({ session, user }) {
        return {
          user: {
            id: user.id,
            email: user.email,
            name: user.name ?? null,
            image: user.image ?? null,
            isAdmin: isAdminEmail(user.email),
            timeZone: (user as { timeZone?: string | null }).timeZone ?? null,
          },
          expires: session.expires,
        };
      },
    },
  };
});
