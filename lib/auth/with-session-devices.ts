import type { Adapter, AdapterSession } from "next-auth/adapters";

import { getLogger } from "../logger";
import { requestDevice, touchSession } from "../people/session-devices";
import { recordSessionEvent } from "../people/session-events";

/**
 * The Drizzle adapter, plus what /settings shows about each device: a new session is stored
 * with the request's IP and user agent, and an authenticated read moves its last-seen time
 * (at most every few minutes). Sign-ins and sign-outs go to the person's activity.
 */
export function withSessionDevices(adapter: Adapter): Adapter {
  const { createSession, getSessionAndUser } = adapter;
  if (!createSession || !getSessionAndUser) return adapter;
  return {
    ...adapter,
    async createSession(data) {
      const device = await requestDevice();
      const now = new Date();
      // The extra keys are columns of our `sessions` table; the adapter inserts the object as given.
      const created = await createSession({ ...data, ...device, createdAt: now, lastSeenAt: now } as AdapterSession);
      await recordSessionEvent({ userId: data.userId, kind: "signed_in", ...device }).catch((error: unknown) =>
        getLogger().warn({ err: error }, "could not record a sign-in"),
      );
      return created;
    },
    async getSessionAndUser(sessionToken) {
      const found = await getSessionAndUser(sessionToken);
      if (found) {
        const lastSeenAt = (found.session as AdapterSession & { lastSeenAt?: Date | null }).lastSeenAt;
        await touchSession(sessionToken, lastSeenAt).catch((error: unknown) =>
          getLogger().warn({ err: error }, "could not update a session's last-seen time"),
        );
      }
      return found;
    },
  };
}

/** Auth.js's signOut event (database sessions hand over the row being deleted). */
export async function recordSignOut(message: { session?: AdapterSession | null | void } | { token: unknown }): Promise<void> {
  const userId = "session" in message ? message.session?.userId : undefined;
  if (!userId) return;
  await recordSessionEvent({ userId, kind: "signed_out", ...(await requestDevice()) }).catch((error: unknown) =>
    getLogger().warn({ err: error }, "could not record a sign-out"),
  );
}
