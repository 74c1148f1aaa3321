import net from "node:net";

import { describe, expect, it } from "vitest";

import { connectWithoutNagle, smtpTransportOptions } from "./smtp-transport-options";

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
      getSocket: connectWithoutNagle,
    });
  });

  it("connects with TCP_NODELAY, and reports a refused connection as an error", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const socket = await new Promise<net.Socket>((resolve, reject) =>
      connectWithoutNagle({ host: "127.0.0.1", port }, (error, result) => (error || !result ? reject(error) : resolve(result.connection))),
    );
    expect(socket.remotePort).toBe(port);
    socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const error = await new Promise<Error | null>((resolve) => connectWithoutNagle({ host: "127.0.0.1", port }, (e) => resolve(e)));
    expect(error?.message).toMatch(/ECONNREFUSED/);
  });
});
