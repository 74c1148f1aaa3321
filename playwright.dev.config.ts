import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { defineConfig } from "@playwright/test";

import { devEnv } from "./e2e-dev/dev-env";

// The first of the README's two commands, driven in Chromium: `next dev` compiles each route on
// its first request, so the timeouts are generous.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e-dev",
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 60_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: path.join(os.tmpdir(), `ledgerlink-dev-e2e-report-${process.env.E2E_PORT_BASE ?? 3100}`) }]],
  // Outside the project: `next dev` watches it, and traces written there make it recompile and
  // reload the page under test.
  outputDir: path.join(os.tmpdir(), `ledgerlink-dev-e2e-results-${process.env.E2E_PORT_BASE ?? 3100}`),
  use: {
    baseURL: devEnv.APP_URL,
    trace: "retain-on-failure",
    navigationTimeout: 120_000,
    launchOptions: {
      executablePath,
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: "npx tsx e2e-dev/dev-server.ts",
    url: `${devEnv.APP_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "pipe",
  },
});
