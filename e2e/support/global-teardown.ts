/**
 * After the end-to-end run: drop the database and the two roles scripts/e2e-server.ts made, so a
 * run leaves the Postgres server as it found it. The app may still be running (Playwright stops
 * its web servers after this), hence `with (force)`.
 */
import postgres from "postgres";

import { e2eAdminDatabaseUrl, e2eDatabaseName, e2eRoles } from "./e2e-env";

export default async function globalTeardown() {
  const admin = postgres(e2eAdminDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${e2eDatabaseName} with (force)`);
    for (const { user } of [e2eRoles.runtime, e2eRoles.owner]) await admin.unsafe(`drop role if exists ${user}`);
  } catch (error) {
    // A server already gone (an embedded one stopped early) leaves nothing to drop.
    console.warn(`[e2e] could not drop ${e2eDatabaseName} and its roles: ${(error as Error).message}`);
  } finally {
    await admin.end();
  }
}
