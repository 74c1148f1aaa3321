import { ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from "openid-client";
import { describe, expect, it } from "vitest";

import { classifyOAuthError, OAuthFlowError, OAuthTransportError } from "./oauth-errors";
import { isLoopbackHost, parseProviderUrl } from "./oauth-urls";

function bodyError(status: number, body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = new Response(JSON.stringify(body), { status, headers });
  return new ResponseBodyError("server responded with an error in the response body", {
    cause: body as { error: string },
    response,
  });
}

describe("classifyOAuthError", () => {
  it.each([
    [bodyError(400, { error: "invalid_grant" }), "code_exchange", "oauth_error"],
    [bodyError(400, { error: "invalid_request" }), "code_exchange", "oauth_error"],
    [bodyError(401, { error: "invalid_client" }), "code_exchange", "invalid_credentials"],
    [bodyError(400, { error: "invalid_client" }), "code_exchange", "invalid_credentials"],
    [bodyError(503, { error: "temporarily_unavailable" }), "code_exchange", "provider_unavailable"],
    [bodyError(429, { error: "slow_down" }), "code_exchange", "rate_limited"],
    [new OAuthTransportError("network"), "code_exchange", "provider_unavailable"],
    [new OAuthTransportError("timeout"), "code_exchange", "provider_unavailable"],
    [bodyError(400, { error: "invalid_grant", error_description: "Token has been expired or revoked." }), "refresh", "refresh_token_expired"],
    [bodyError(400, { error: "invalid_grant", error_description: "refresh token has been revoked" }), "refresh", "provider_revoked"],
    [bodyError(400, { error: "invalid_grant", error_description: "refresh token already used" }), "refresh", "provider_revoked"],
    [bodyError(400, { error: "invalid_grant" }), "refresh", "refresh_token_expired"],
    [bodyError(400, { error: "invalid_scope" }), "refresh", "refresh_token_expired"],
    [bodyError(400, { error: "unauthorized_client" }), "refresh", "invalid_credentials"],
    [bodyError(401, { error: "invalid_client" }), "refresh", "invalid_credentials"],
    [bodyError(500, { error: "server_error" }), "refresh", "provider_unavailable"],
    [bodyError(429, { error: "rate_limited" }), "refresh", "rate_limited"],
    [new OAuthTransportError("network"), "refresh", "network_error"],
    [new OAuthTransportError("timeout"), "refresh", "provider_unavailable"],
    [new DOMException("aborted", "TimeoutError"), "refresh", "provider_unavailable"],
  ] as const)("%#: maps to the reason for its phase", (error, phase, code) => {
    expect(classifyOAuthError(error, phase).code).toBe(code);
  });

  it("reads 401 challenges and non-JSON error pages", () => {
    const challenge = new WWWAuthenticateChallengeError("challenge", {
      cause: [{ scheme: "basic", parameters: { error: "invalid_client", realm: "bank" } }],
      response: new Response(null, { status: 401 }),
    });
    expect(classifyOAuthError(challenge, "refresh")).toMatchObject({ code: "invalid_credentials", status: 401 });

    const badGateway = new ClientError("unexpected HTTP response status code", {
      cause: new Response("<html>Bad gateway</html>", { status: 502 }),
    });
    expect(classifyOAuthError(badGateway, "refresh")).toMatchObject({ code: "provider_unavailable", status: 502 });
    expect(classifyOAuthError(badGateway, "code_exchange").code).toBe("provider_unavailable");
  });

  it("sets retryable and needsUserAction from the code and phase", () => {
    expect(classifyOAuthError(bodyError(503, {}), "refresh")).toMatchObject({ retryable: true, needsUserAction: false });
    expect(classifyOAuthError(bodyError(400, { error: "invalid_grant" }), "refresh")).toMatchObject({
      retryable: false,
      needsUserAction: true,
    });
    expect(classifyOAuthError(bodyError(401, {}), "code_exchange")).toMatchObject({
      retryable: false,
      needsUserAction: false,
    });
  });

  it("parses Retry-After as seconds or a date", () => {
    expect(classifyOAuthError(bodyError(429, {}, { "retry-after": "7" })).retryAfterSeconds).toBe(7);
    const later = new Date(Date.now() + 60_000).toUTCString();
    expect(classifyOAuthError(bodyError(429, {}, { "retry-after": later })).retryAfterSeconds).toBeGreaterThan(50);
  });

  it("keeps provider text out of the message and odd error codes out of the fields", () => {
    const error = classifyOAuthError(
      bodyError(400, { error: "bad code=abc123", error_description: "code abc123 is not valid" }),
      "code_exchange",
    );
    expect(error.message).not.toContain("abc123");
    expect(error.providerError).toBeNull();
    expect(error.message).toBe("The provider refused the request. (HTTP 400)");
  });

  it("passes an OAuthFlowError through and treats the unknown as the phase's default", () => {
    const flowError = new OAuthFlowError({ code: "invalid_state", phase: "authorization" });
    expect(classifyOAuthError(flowError)).toBe(flowError);
    expect(classifyOAuthError(new Error("boom"), "code_exchange").code).toBe("oauth_error");
    expect(classifyOAuthError(new Error("boom"), "refresh").code).toBe("provider_unavailable");
  });
});

describe("provider URLs", () => {
  it.each(["localhost", "127.0.0.1", "127.10.20.30", "[::1]", "LOCALHOST"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["example.com", "localhost.example.com", "128.0.0.1", "10.0.0.1", "[::2]", "127.0.0.256"])(
    "%s is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it("allows http only on loopback hosts", () => {
    expect(parseProviderUrl("http://127.0.0.1:3001", "issuer").port).toBe("3001");
    expect(parseProviderUrl("http://[::1]:3001", "issuer").hostname).toBe("[::1]");
    expect(parseProviderUrl("https://bank.example", "issuer").hostname).toBe("bank.example");
    expect(() => parseProviderUrl("http://bank.example", "issuer")).toThrow(/issuer http:\/\/bank.example uses plain http/);
    expect(() => parseProviderUrl("ftp://bank.example", "issuer")).toThrow(/must be an https URL/);
    expect(() => parseProviderUrl("not a url", "issuer")).toThrow(/not a valid URL/);
  });
});
