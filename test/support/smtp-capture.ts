/**
 * A real SMTP server for tests (smtp-server + mailparser) that keeps every message it
 * accepts. Used in-process by integration tests, behind an HTTP API by the e2e suite, and
 * by `npm run bench:events` (with `parse: false`, counting only).
 *
 * Failure modes, to test delivery retries against real failures:
 * - `refuse = true`: every message is refused with a 451 (a temporary failure);
 * - `stop()` / `start()`: the server goes away (connections refused) and comes back on the same port.
 */
import type { AddressInfo } from "node:net";

import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CapturedEmail {
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
  /** Header names lower-cased; values as text. */
  headers: Record<string, string>;
  /** The message exactly as received (to scan for things that must not be in it). */
  raw: string;
}

export interface SmtpCapture {
  port: number;
  url: string;
  messages: CapturedEmail[];
  /** Messages accepted since the start (or the last `clear()`), parsed or not. */
  received: number;
  /** While true, every message is refused with a 451 (a temporary failure). */
  refuse: boolean;
  readonly running: boolean;
  clear(): void;
  /** Resolves once at least `count` messages were accepted; rejects after `timeoutMs`. */
  waitFor(count: number, options?: { timeoutMs?: number }): Promise<CapturedEmail[]>;
  /** Stops listening (senders get "connection refused"); messages are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Stops for good (the same as `stop`). */
  close(): Promise<void>;
}

export interface SmtpCaptureOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** false: accept and count messages without parsing or keeping them (benchmarks). */
  parse?: boolean;
}

export async function startSmtpCapture({ port = 0, parse = true }: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  let server: SMTPServer | null = null;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((check) => check());

  const capture: SmtpCapture = {
    port,
    url: "",
    messages: [],
    received: 0,
    refuse: false,
    get running() {
      return server !== null;
    },
    clear: () => {
      capture.messages.length = 0;
      capture.received = 0;
    },
    waitFor: (count, { timeoutMs = 10_000 } = {}) =>
      new Promise<CapturedEmail[]>((resolve, reject) => {
        const check = () => {
          if (capture.received < count) return;
          cleanup();
          resolve(capture.messages);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`SMTP capture: expected ${count} message(s) within ${timeoutMs} ms, got ${capture.received}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      const current = server;
      server = null;
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    start: async () => {
      if (server) return;
      server = createServer();
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(capture.port, "127.0.0.1", () => resolve());
      });
      capture.port = (listening.server.address() as AddressInfo).port;
      capture.url = `smtp://127.0.0.1:${capture.port}`;
    },
    close: () => capture.stop(),
  };

  function createServer(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      // The reverse DNS lookup of each client costs ~100 ms per connection here (no resolver).
      disableReverseLookup: true,
      logger: false,
      // Don't wait for pooled client connections to go away when stopping.
      closeTimeout: 100,
      onData(stream, _session, callback) {
        if (capture.refuse) {
          stream.resume();
          stream.on("end", () => callback(Object.assign(new Error("Mailbox busy, try later"), { responseCode: 451 })));
          return;
        }
        if (!parse) {
          stream.resume();
          stream.on("end", () => {
            capture.received += 1;
            callback();
            notify();
          });
          return;
        }
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((mail) => {
              const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
              const headers: Record<string, string> = {};
              for (const line of mail.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(":") + 1).trim();
              capture.messages.push({
                messageId: mail.messageId ?? null,
                from: mail.from?.text ?? "",
                to: to.flatMap((a) => a.value.map((v) => v.address ?? "")),
                subject: mail.subject ?? "",
                text: mail.text ?? "",
                html: typeof mail.html === "string" ? mail.html : "",
                receivedAt: new Date().toISOString(),
                headers,
                raw: raw.toString("utf8"),
              });
              capture.received += 1;
              callback();
              notify();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
  }

  await capture.start();
  return capture;
}
