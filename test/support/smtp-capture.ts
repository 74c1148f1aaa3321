/**
 * A real SMTP server for tests (smtp-server + mailparser) that keeps every message it
 * accepts. Used in-process by integration tests and behind an HTTP API by the e2e suite.
 * It can be told to refuse mail, to test delivery retries against a real failure.
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
}

export interface SmtpCapture {
  port: number;
  url: string;
  messages: CapturedEmail[];
  /** While true, every message is refused with a 451 (a temporary failure). */
  refuse: boolean;
  clear(): void;
  close(): Promise<void>;
}

export async function startSmtpCapture({ port = 0 }: { port?: number } = {}): Promise<SmtpCapture> {
  const capture: SmtpCapture = {
    port: 0,
    url: "",
    messages: [],
    refuse: false,
    clear: () => {
      capture.messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      if (capture.refuse) {
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("Mailbox busy, try later"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
          capture.messages.push({
            messageId: mail.messageId ?? null,
            from: mail.from?.text ?? "",
            to: to.flatMap((a) => a.value.map((v) => v.address ?? "")),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            receivedAt: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  capture.port = address.port;
  capture.url = `smtp://127.0.0.1:${address.port}`;
  return capture;
}
