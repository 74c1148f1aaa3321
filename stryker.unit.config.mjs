// @ts-check
/**
 * Mutation testing against the unit tests only: fast enough to run while editing a pure
 * module (`npm run test:mutation:unit -- --mutate lib/connections/state-machine.ts`).
 * Its score counts only what the unit tests catch; the full `npm run test:mutation`
 * also runs the PGlite integration tests.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from "./stryker.config.mjs";

const config = {
  ...base,
  vitest: { ...base.vitest, configFile: "vitest.unit.config.ts" },
  incrementalFile: "reports/stryker-incremental-unit.json",
  htmlReporter: { fileName: "reports/mutation-unit/mutation.html" },
  jsonReporter: { fileName: "reports/mutation-unit/mutation.json" },
};

export default config;
