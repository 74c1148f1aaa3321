/**
 * Points the app's email transport (lib/email/send-email.ts) at an in-process SMTP capture
 * for one test file. The environment is parsed once, on first use: call this in `beforeAll`
 * before anything reads `env`, and it throws if that already happened.
 */
import { afterAll, beforeAll } from "vitest";

import { getEnv } from "@/lib/env";
import { resetSmtpTransportForTesting } from "./swap-singletons";

import { startSmtpCapture, type SmtpCapture } from "./smtp-capture";

export async function useSmtpCapture(): Promise<{ capture: SmtpCapture; restore: () => Promise<void> }> {
  const capture = await startSmtpCapture();
  const previous = process.env.SMTP_URL;
  process.env.SMTP_URL = capture.url;
  if (getEnv().SMTP_URL !== capture.url) {
    await capture.close();
    throw new Error("useSmtpCapture: the environment was read before SMTP_URL could be set; call it first in beforeAll");
  }
  resetSmtpTransportForTesting();
  return {
    capture,
    restore: async () => {
      resetSmtpTransportForTesting();
      if (previous === undefined) delete process.env.SMTP_URL;
      else process.env.SMTP_URL = previous;
      await capture.close();
    },
  };
}

/**
 * The same for a whole test file: starts the capture in `beforeAll` (register it before
 * anything reads `env`), restores in `afterAll`. `capture()` is the running capture.
 */
export function withSmtpCapture(): { capture: () => SmtpCapture } {
  let current: Awaited<ReturnType<typeof useSmtpCapture>> | undefined;
  beforeAll(async () => {
    current = await useSmtpCapture();
  });
  afterAll(async () => {
    await current?.restore();
  });
  return {
    capture: () => {
      if (!current) throw new Error("withSmtpCapture: the capture starts in beforeAll");
      return current.capture;
    },
  };
}
