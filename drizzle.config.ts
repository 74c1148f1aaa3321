import { defineConfig } from "drizzle-kit";

// Generation only: drizzle-kit reads the schema and writes SQL; it never connects.
// Migrations are applied by `npm run db:migrate` (lib/db/migrate.ts) on PGlite or Postgres.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
});
