import "server-only";

/**
 * The devices of /settings: each Auth.js database session, with where it was created (IP and
 * user agent, written when Auth.js creates it) and when it was last seen. A session is named
 * in the page by a hash of its token, never by the token itself (a credential).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { cookies, headers } from "next/headers";

import { getDb, type Executor } from "../db/client";
import { sessions } from "../db/schema";
import { contextFromHeaders } from "../request-context";
import { recordSessionEvent } from "./session-events";

/** Auth.js's cookie names: `__Secure-` on https. */
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"];

/** Last-seen is written at most this often per session, so reading a page is not a write each time. */
export const LAST_SEEN_RESOLUTION_MS = 5 * 60_000;

export interface Device {
  /** sha256 of the session token, hex: stable, and useless to anyone who reads it. */
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date | null;
  lastSeenAt: Date | null;
  expires: Date;
  current: boolean;
}

const tokenHash = sql<string>`encode(sha256(convert_to(${sessions.sessionToken}, 'UTF8')), 'hex')`;

/** The request's IP and user agent, or nothing outside a request. */
export async function requestDevice(): Promise<{ ipAddress: string | null; userAgent: string | null }> {
  try {
    const context = contextFromHeaders(await headers());
    return { ipAddress: context.ipAddress?.slice(0, 100) ?? null, userAgent: context.userAgent?.slice(0, 1000) ?? null };
  } catch {
    return { ipAddress: null, userAgent: null };
  }
}

async function currentSessionToken(): Promise<string | null> {
  try {
    const jar = await cookies();
    for (const name of SESSION_COOKIES) {
      const value = jar.get(name)?.value;
      if (value) return value;
    }
  } catch {
    // Outside a request: no current session.
  }
  return null;
}

export async function listDevices({ userId, db: given }: { userId: string; db?: Executor }): Promise<Device[]> {
  const db = given ?? (await getDb());
  const token = await currentSessionToken();
  const rows = await db
    .select({
      id: tokenHash,
      current: sql<boolean>`${sessions.sessionToken} = ${token ?? ""}`,
      ipAddress: sessions.ipAddress,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expires: sessions.expires,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), sql`${sessions.expires} > now()`))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
  return rows.map((r) => ({ ...r, current: !!r.current }));
}

/** Ends one of the user's sessions (not someone else's: the user id is in the delete). */
export async function signOutDevice({ userId, deviceId }: { userId: string; deviceId: string }): Promise<boolean> {
  const db = await getDb();
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), sql`${tokenHash} = ${deviceId}`))
    .returning({ userAgent: sessions.userAgent, ipAddress: sessions.ipAddress });
  if (deleted.length === 0) return false;
  await recordSessionEvent({ userId, kind: "device_signed_out", ...deleted[0]! });
  return true;
}

/** Ends every session of the user but the one making the request. */
export async function signOutOtherDevices({ userId }: { userId: string }): Promise<number> {
  const db = await getDb();
  const token = await currentSessionToken();
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), sql`${sessions.sessionToken} <> ${token ?? ""}`))
    .returning({ userId: sessions.userId });
  if (deleted.length > 0) await recordSessionEvent({ userId, kind: "signed_out_elsewhere", ...(await requestDevice()) });
  return deleted.length;
}

/** Called on each authenticated read; one small update per session per LAST_SEEN_RESOLUTION_MS. */
export async function touchSession(sessionToken: string, lastSeenAt: Date | null | undefined, now = new Date()): Promise<void> {
  if (lastSeenAt && now.getTime() - lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS) return;
  const db = await getDb();
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.sessionToken, sessionToken));
}
