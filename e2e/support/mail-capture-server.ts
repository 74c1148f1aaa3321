/**
 * A real SMTP server that keeps what it receives, plus a small HTTP API the specs
 * read it through: GET /messages, DELETE /messages, and POST /refuse / POST /accept to make
 * the server refuse every message (451) and then accept again. Started by playwright.config.ts.
 */
import { createServer } from "node:http";

import { startSmtpCapture } from "../../test/support/smtp-capture";
import { E2E_PORTS } from "./e2e-env";

const capture = await startSmtpCapture({ port: E2E_PORTS.smtp });

createServer((request, response) => {
  if (request.url === "/health") return void response.end("ok");
  if ((request.url === "/refuse" || request.url === "/accept") && request.method === "POST") {
    capture.refuse = request.url === "/refuse";
    return void response.end(JSON.stringify({ refuse: capture.refuse }));
  }
  if (request.url?.startsWith("/messages") && request.method === "DELETE") {
    capture.clear();
    return void response.end("[]");
  }
  if (request.url?.startsWith("/messages")) {
    response.setHeader("content-type", "application/json");
    return void response.end(JSON.stringify(capture.messages));
  }
  response.statusCode = 404;
  response.end();
}).listen(E2E_PORTS.smtpHttp, "127.0.0.1", () => {
  console.log(`[e2e] SMTP capture on :${E2E_PORTS.smtp}, messages on http://127.0.0.1:${E2E_PORTS.smtpHttp}/messages`);
});
