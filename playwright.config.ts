import { existsSync } from "node:fs";

import { defineConfig } from "@playwright/test";

import { e2eEnv, E2E_PORTS } from "./e2e/support/e2e-env";

// Playwright cannot download its own browser on machines without internet; Debian's Chromium works.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  // The specs share one app and one database; they keep to their own users but run one at a time
  // so the audit-trail assertions stay readable.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  globalTeardown: "./e2e/support/global-teardown.ts",
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: e2eEnv.APP_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      // Chromium's background services try the (closed) network at start-up.
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: [
    {
      command: "npx tsx e2e/support/mail-capture-server.ts",
      url: `http://127.0.0.1:${E2E_PORTS.smtpHttp}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "npx tsx scripts/e2e-server.ts",
      url: `${e2eEnv.APP_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
    },
  ],
});
