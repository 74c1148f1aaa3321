import net from "node:net";

import { describe, expect, it } from "vitest";

import { connectSmtpSocket, smtpTransportOptions } from "./smtp-transport-options";

describe("SMTP transport options", () => {
  it("keep everything SMTP_URL says and add fail-fast timeouts and the no-delay socket", () => {
    const options = smtpTransportOptions("smtps://user%40x:p%2Fss@mail.example:465?pool=true&maxConnections=3") as Record<string, unknown>;
    expect(options).toMatchObject({
      host: "mail.example",
      port: 465,
      secure: true,
      auth: { user: "user@x", pass: "p/ss" },
      pool: true,
      maxConnections: 3,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
      getSocket: connectSmtpSocket,
    });
  });

  it("connects with TCP_NODELAY, sends one tick's writes together, and reports a refused connection as an error", async () => {
    let received = "";
    const server = net.createServer((socket) => socket.on("data", (data) => (received += data.toString())));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const socket = await new Promise<net.Socket>((resolve, reject) =>
      connectSmtpSocket({ host: "127.0.0.1", port }, (error, result) => (error || !result ? reject(error) : resolve(result.connection))),
    );
    expect(socket.remotePort).toBe(port);
    // Corked from a tick's first write to its end: the tick's writes leave in one system call.
    socket.write("MAIL FROM:<a@example.test>\r\n");
    socket.write("RCPT TO:<b@example.test>\r\n");
    expect(socket.writableCorked).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(socket.writableCorked).toBe(0);
    await expect.poll(() => received).toBe("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n");
    socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const error = await new Promise<Error | null>((resolve) => connectSmtpSocket({ host: "127.0.0.1", port }, (e) => resolve(e)));
    expect(error?.message).toMatch(/ECONNREFUSED/);
  });
});
