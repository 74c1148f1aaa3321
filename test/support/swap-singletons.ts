/**
 * Tests swap the app's process-wide singletons (kept on globalThis so Next's module reloads
 * share them): the logger, to capture lines, and the SMTP transport, to restart the capture.
 */
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";

const singletons = globalThis as typeof globalThis & { __ledgerlinkLogger?: Logger; __ledgerlinkSmtp?: Transporter };

/** Swap the log destination; `undefined` goes back to the app's own logger on next use. */
export function setLoggerForTesting(logger: Logger | undefined): void {
  singletons.__ledgerlinkLogger = logger;
}

/** For tests that restart the SMTP capture between cases. */
export function resetSmtpTransportForTesting(): void {
  singletons.__ledgerlinkSmtp?.close();
  singletons.__ledgerlinkSmtp = undefined;
}
