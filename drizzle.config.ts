import { defineConfig } from "drizzle-kit";

// `db:generate` only reads the schema and writes SQL. `db:studio` opens DATABASE_URL, or the
// development PGlite folder (stop `npm run dev` first: PGlite allows one process per folder).
// Migrations are applied by `npm run db:migrate` (lib/db/migrate.ts), never by drizzle-kit.
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
  ...(databaseUrl
    ? { dbCredentials: { url: databaseUrl } }
    : { driver: "pglite", dbCredentials: { url: `${process.env.DATA_DIR || ".data"}/pglite` } }),
});
