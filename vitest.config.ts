import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * VITEST_INTEGRATION_INCLUDE (comma-separated globs) narrows the integration project to those
 * files: mutation testing of one module can rerun that module's own integration tests only
 * (README, "Mutation testing"). Unset, every integration test runs.
 */
const integrationOnly = (process.env.VITEST_INTEGRATION_INCLUDE ?? "").split(",").filter(Boolean);

/**
 * Two projects:
 * - unit: pure logic, `*.test.ts` beside the code, no database.
 * - integration: `*.int.test.ts`, against a real database — PGlite by default,
 *   Postgres when DATABASE_URL is set (CI runs both).
 */
export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside a React Server environment; tests run in plain Node.
      "server-only": fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.{ts,tsx}", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: integrationOnly.length > 0 ? integrationOnly : ["lib/**/*.int.test.ts", "test/**/*.int.test.ts", "app/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/setup-integration.ts"],
          // One database shared by every file: run files one after another.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
