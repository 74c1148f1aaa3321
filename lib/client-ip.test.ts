import { describe, expect, test } from "vitest";

import { clientIpFromHeaders } from "./client-ip";

const request = (headers: Record<string, string>) => new Headers(headers);

describe("clientIpFromHeaders", () => {
  test("without a proxy, a client's X-Forwarded-For and X-Real-IP are not believed", () => {
    const headers = request({ "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9" });
    expect(clientIpFromHeaders(headers, { onVercel: false, trustedProxyCount: 0 })).toBeNull();
  });

  test("behind one proxy, the hop it appended, never the client's own entries", () => {
    const headers = request({ "x-forwarded-for": "203.0.113.9, 198.51.100.7" });
    expect(clientIpFromHeaders(headers, { onVercel: false, trustedProxyCount: 1 })).toBe("198.51.100.7");
  });

  test("behind two proxies, the address the outermost one saw", () => {
    const headers = request({ "x-forwarded-for": "203.0.113.9, 198.51.100.7, 10.0.0.2" });
    expect(clientIpFromHeaders(headers, { onVercel: false, trustedProxyCount: 2 })).toBe("198.51.100.7");
  });

  test("fewer hops than trusted proxies, or a hop that is not an address: unknown", () => {
    expect(clientIpFromHeaders(request({ "x-forwarded-for": "10.0.0.2" }), { onVercel: false, trustedProxyCount: 2 })).toBeNull();
    expect(clientIpFromHeaders(request({ "x-forwarded-for": "not-an-ip" }), { onVercel: false, trustedProxyCount: 1 })).toBeNull();
    expect(clientIpFromHeaders(request({}), { onVercel: false, trustedProxyCount: 1 })).toBeNull();
  });

  test("on Vercel, the address the platform wrote", () => {
    const headers = request({ "x-real-ip": "2001:db8::1", "x-forwarded-for": "2001:db8::1" });
    expect(clientIpFromHeaders(headers, { onVercel: true, trustedProxyCount: 0 })).toBe("2001:db8::1");
  });
});
