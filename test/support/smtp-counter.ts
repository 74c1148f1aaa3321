/**
 * An SMTP server that accepts and counts messages, running in a worker thread so that it
 * takes no CPU time from the code under measurement (benchmarks; a real mail server would
 * not run in the app's process either). Tests that need the messages use smtp-capture.ts.
 */
import { Worker } from "node:worker_threads";

export interface SmtpCounter {
  url: string;
  readonly received: number;
  waitFor(count: number, options: { timeoutMs: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpCounter(): Promise<SmtpCounter> {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     const { SMTPServer } = require("smtp-server");
     let received = 0;
     const server = new SMTPServer({
       authOptional: true, disabledCommands: ["STARTTLS"], disableReverseLookup: true, logger: false, closeTimeout: 100,
       onData(stream, _session, callback) {
         stream.resume();
         stream.on("end", () => { received += 1; parentPort.postMessage({ received }); callback(); });
       },
     });
     server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.server.address().port }));
     parentPort.on("message", (m) => { if (m === "close") server.close(() => process.exit(0)); });`,
    { eval: true },
  );
  let received = 0;
  const waiters = new Set<() => void>();
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: { port?: number; received?: number }) => {
      if (message.port) resolve(message.port);
      if (message.received) {
        received = message.received;
        waiters.forEach((check) => check());
      }
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    waitFor: (count: number, { timeoutMs }: { timeoutMs: number }) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`SMTP: ${received} of ${count} messages after ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (received < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      worker.postMessage("close");
      await new Promise((resolve) => worker.once("exit", resolve));
    },
  };
}

