/**
 * `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded PGlite database.
 * With DATABASE_MIGRATION_URL, as that owner role, then grants DATABASE_URL's role only what
 * the app needs (lib/db/runtime-grants.ts).
 */
import { closeDb, databaseKind } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";

const started = performance.now();
const grants = await migrateDatabase();
console.log(`migrations applied to ${await databaseKind()} in ${Math.round(performance.now() - started)} ms`);
if (grants && grants.granted.length > 0) {
  console.log(`migrated as "${grants.migrationRole}"; the app's role "${grants.runtimeRole}" may:\n  ${grants.granted.join("\n  ")}`);
} else if (grants) {
  console.log(`DATABASE_MIGRATION_URL and DATABASE_URL are the same role ("${grants.runtimeRole}"): the app's role owns the tables`);
}
await closeDb();
