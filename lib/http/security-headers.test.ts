import { describe, expect, test } from "vitest";

import { originsOf, securityHeaders } from "./security-headers";

const directive = (csp: string, name: string) => csp.split(";").map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? "";

describe("securityHeaders", () => {
  const headers = securityHeaders({ appUrl: "http://localhost:3000", formTargets: ["http://localhost:3001"] });
  const csp = headers.get("content-security-policy") ?? "";

  test("scripts need this response's nonce; nothing inline, nothing framed", () => {
    expect(directive(csp, "script-src")).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(directive(csp, "script-src")).not.toContain("'unsafe-inline'");
    expect(directive(csp, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(csp, "object-src")).toBe("object-src 'none'");
    expect(directive(csp, "form-action")).toBe("form-action 'self' http://localhost:3001");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  test("a new nonce for every response", () => {
    const again = securityHeaders({ appUrl: "http://localhost:3000", formTargets: [] }).get("content-security-policy") ?? "";
    expect(directive(again, "script-src")).not.toBe(directive(csp, "script-src"));
  });

  test("HSTS only when APP_URL is https", () => {
    expect(headers.get("strict-transport-security")).toBeNull();
    const https = securityHeaders({ appUrl: "https://ledgerlink.example", formTargets: [] });
    expect(https.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });

  test("origins of the providers' URLs, bad ones left out", () => {
    expect(originsOf(["http://localhost:3001/authorize", "https://bank.example/oauth/authorize", "https://bank.example", "nope", undefined])).toEqual([
      "http://localhost:3001",
      "https://bank.example",
    ]);
  });
});
