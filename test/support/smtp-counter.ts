/**
 * An SMTP server that accepts and counts messages, running in a child process so that it
 * takes no CPU time from the code under measurement (benchmarks; a real mail server would
 * not run in the app's process either). A worker thread would share the event loop's
 * process: `process.cpuUsage()` would count the server's parsing as the app's. Its own CPU
 * time is read from `/proc/<pid>/stat`. Tests that need the messages use smtp-capture.ts.
 */
import { spawn } from "node:child_process";

export interface SmtpCounter {
  url: string;
  /** The server's process id (its CPU time is not the app's). */
  pid: number;
  readonly received: number;
  waitFor(count: number, options: { timeoutMs: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpCounter(): Promise<SmtpCounter> {
  // A plain Node process (no loader of this one's) with an IPC channel for the counts;
  // `smtp-server` resolves from the working directory, the project's root.
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const { SMTPServer } = require("smtp-server");
       let received = 0;
       const server = new SMTPServer({
         authOptional: true, disabledCommands: ["STARTTLS"], disableReverseLookup: true, logger: false, closeTimeout: 100,
         onData(stream, _session, callback) {
           stream.resume();
           stream.on("end", () => { received += 1; process.send({ received }); callback(); });
         },
       });
       server.listen(0, "127.0.0.1", () => process.send({ port: server.server.address().port }));
       process.on("message", (m) => { if (m === "close") server.close(() => process.exit(0)); });
       process.on("disconnect", () => process.exit(0));`,
    ],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  let received = 0;
  const waiters = new Set<() => void>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the SMTP server process exited with code ${code}`)));
    child.on("message", (message: { port?: number; received?: number }) => {
      if (message.port) resolve(message.port);
      if (message.received) {
        received = message.received;
        waiters.forEach((check) => check());
      }
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    pid: child.pid!,
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
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("close");
      await exited;
    },
  };
}

