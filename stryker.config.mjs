// @ts-check
/**
 * Mutation testing on the core (issue 12): `npm run test:mutation`.
 * Not part of `npm test` — it reruns the covering tests once per mutant, which takes
 * minutes to hours. Run it before merging changes to the modules listed in `mutate`;
 * narrow it to one module with
 * `npm run test:mutation -- --mutate 'lib/events/**\/*.ts,!**\/*.test.ts'` (the list replaces `mutate`
 * below, exclusion included).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: "vitest",
  // Unit and integration (PGlite) projects both come from vitest.config.ts;
  // `related` runs only the test files that import the mutated code.
  vitest: { configFile: "vitest.config.ts", related: true },
  checkers: [],
  // Keep the shared machine usable: one test process, per-test coverage so each mutant
  // runs only the tests that reach it.
  concurrency: 1,
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would rerun every test; skip them.
  ignoreStatic: true,
  // Integration tests under load are slow; give a mutant room before calling it a timeout.
  timeoutMS: 60_000,
  timeoutFactor: 2,
  mutate: [
    "lib/connections/**/*.ts",
    "lib/events/**/*.ts",
    "lib/audit/**/*.ts",
    "lib/crypto/token-crypto.ts",
    "lib/providers/oauth-client.ts",
    "!**/*.test.ts",
  ],
  // The result of the last run, reused so a rerun only tests mutants whose code or
  // covering tests changed. A local cache: not committed (see README).
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  // Build output and local data are not needed to run the tests.
  ignorePatterns: [".next", ".next-*", ".data", ".bench", ".stryker-tmp-*", "test-results", "playwright-report", "blob-report"],
  cleanTempDir: true,
};

export default config;
