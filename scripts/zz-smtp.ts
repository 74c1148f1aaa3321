import nodemailer from "nodemailer";
import { startSmtpCapture } from "../test/support/smtp-capture";
const cap = await startSmtpCapture({ parse: false });
for (const q of ["?pool=true&maxConnections=4", ""]) {
  const t = nodemailer.createTransport(cap.url + q, {});
  const html = "<p>" + "hello world ".repeat(300) + "</p>";
  for (const conc of [1, 8]) {
    const N = 400; let next = 0;
    const t0 = performance.now(); const c0 = process.cpuUsage();
    await Promise.all(Array.from({ length: conc }, async () => { while (next++ < N) await t.sendMail({ from: "a@b.c", to: "d@e.f", subject: "x", html, text: "hello" }); }));
    const ms = performance.now() - t0; const cpu = process.cpuUsage(c0);
    console.log(q || "nopool", "conc", conc, (N / ms * 1000).toFixed(0), "mails/s; cpu/mail µs", ((cpu.user + cpu.system) / N).toFixed(0));
  }
  t.close();
}
await cap.close();
