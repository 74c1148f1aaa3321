/** `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded PGlite database. */
import { closeDb, databaseKind } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";

const started = performance.now();
await migrateDatabase();
console.log(`migrations applied to ${await databaseKind()} in ${Math.round(performance.now() - started)} ms`);
await closeDb();
