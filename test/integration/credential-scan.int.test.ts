/**
 * No event, log line, audit row or email ever contains a credential (DESIGN.md §1).
 * A synthetic workflow publishes all nine events while fake credentials travel through it
 * the way they do in the real use-cases (held in variables, passed to functions, logged by
 * mistake, slipped into event fields); the scan then finds none of them anywhere.
 * (The real connect workflow's scan lives with that workflow and uses the same helpers.)
 */
import { randomBytes, randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getDb } from "@/lib/db/client";
import { providerConnections } from "@/lib/db/schema";
import { createEvent } from "@/lib/events/create-event";
import { dispatchEvent, emitNow, recordEvent } from "@/lib/events/emit";
import type { EventFields } from "@/lib/events/events";
import { getLogger } from "@/lib/logger";
import { runWithRequestContext } from "@/lib/request-context";

import { collectEventArtifacts, credentialVariants, findCredentialLeaks } from "@/test/support/credential-scan";
import { captureLogs, type LogCapture } from "@/test/support/log-capture";
import type { SmtpCapture } from "@/test/support/smtp-capture";
import { createTestUser } from "@/test/support/test-users";
import { useSmtpCapture } from "@/test/support/use-smtp-capture";

const secret = (label: string) => `${label}-${randomBytes(18).toString("base64url")}`;
const credentials = {
  accessToken: secret("at"),
  refreshToken: secret("rt"),
  authorizationCode: secret("code"),
  clientSecret: secret("cs"),
  codeVerifier: secret("pkce"),
  idToken: secret("idt"),
};

let smtp: SmtpCapture;
let restoreSmtp: () => Promise<void>;
let logs: LogCapture;

beforeAll(async () => {
  ({ capture: smtp, restore: restoreSmtp } = await useSmtpCapture());
  logs = captureLogs({ level: "trace" });
});
afterAll(async () => {
  logs.restore();
  await restoreSmtp();
});

/** What a careless use-case might do with its tokens: everything short of storing them unencrypted. */
function withStrayCredentials<T extends object>(fields: T): T {
  return { ...fields, accessToken: credentials.accessToken, refresh_token: credentials.refreshToken, code: credentials.authorizationCode };
}

async function exchangeCode(code: string, verifier: string) {
  // A token response, logged the way the redaction config expects people to log it.
  getLogger().debug({ code, codeVerifier: verifier, clientSecret: credentials.clientSecret }, "exchanging the authorization code");
  const tokens = { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken, idToken: credentials.idToken };
  getLogger().info({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, "token response received");
  return tokens;
}

async function syntheticWorkflows(userId: string): Promise<string[]> {
  const db = await getDb();
  const provider = { userId, providerId: "sandbox-bank", providerSlug: "sandbox-bank" };
  const connectionId = randomUUID();
  const connection = { ...provider, connectionId };
  const correlationIds: string[] = [];
  const request = { requestId: randomUUID(), ipAddress: "203.0.113.77", userAgent: "Mozilla/5.0 Firefox/140.0", actor: { type: "user" as const, userId } };

  await runWithRequestContext(request, async () => {
    // Connect: Attempted, then Succeeded in the transaction that stores the (sealed) tokens.
    const attempted = createEvent("ProviderConnectionAttempted", withStrayCredentials(provider));
    correlationIds.push(attempted.correlationId);
    await emitNow(attempted);
    const tokens = await exchangeCode(credentials.authorizationCode, credentials.codeVerifier);
    const succeeded = createEvent("ProviderConnectionSucceeded", withStrayCredentials(connection), { correlationId: attempted.correlationId });
    await db.transaction(async (tx) => {
      await tx.insert(providerConnections).values({
        id: connectionId,
        userId,
        providerSlug: "sandbox-bank",
        alias: `scan-${connectionId.slice(0, 8)}`,
        status: "active",
        accessTokenEnc: "sealed:v1:…", // the real use-case seals tokens.accessToken here
      });
      await recordEvent(tx, succeeded);
    });
    await dispatchEvent(succeeded);
    void tokens;

    // A second connect that fails.
    const retry = createEvent("ProviderConnectionAttempted", provider);
    correlationIds.push(retry.correlationId);
    await emitNow(retry);
    const failed: EventFields<"ProviderConnectionFailed"> = { ...provider, reason: "invalid_credentials" };
    await emitNow(createEvent("ProviderConnectionFailed", withStrayCredentials(failed), { correlationId: retry.correlationId }));
  });

  // Scheduled refresh (system actor): Attempted, Succeeded, then Failed needing the user.
  await runWithRequestContext({ actor: { type: "system" } }, async () => {
    for (const outcome of ["ProviderTokenRefreshSucceeded", "ProviderTokenRefreshFailed"] as const) {
      const attempted = createEvent("ProviderTokenRefreshAttempted", withStrayCredentials(connection));
      correlationIds.push(attempted.correlationId);
      await emitNow(attempted);
      getLogger().info({ refreshToken: credentials.refreshToken }, "refreshing");
      const fields =
        outcome === "ProviderTokenRefreshFailed"
          ? { ...connection, reason: "refresh_token_expired" as const, needsUserAction: true }
          : connection;
      await emitNow(createEvent(outcome, withStrayCredentials(fields) as never, { correlationId: attempted.correlationId }));
    }
  });

  // Disconnect: a refused attempt, then a successful one.
  await runWithRequestContext(request, async () => {
    for (const outcome of ["ProviderDisconnectionFailed", "ProviderDisconnectionSucceeded"] as const) {
      const attempted = createEvent("ProviderDisconnectionAttempted", withStrayCredentials(connection));
      correlationIds.push(attempted.correlationId);
      await emitNow(attempted);
      const fields = outcome === "ProviderDisconnectionFailed" ? { ...connection, reason: "connection_not_found" as const } : connection;
      await emitNow(createEvent(outcome, withStrayCredentials(fields) as never, { correlationId: attempted.correlationId }));
    }
  });
  return correlationIds;
}

describe("credentials in the event pipeline", () => {
  it("reach no log line, outbox payload, handler error, audit row or email of a workflow that handled them", async () => {
    const user = await createTestUser();
    const correlationIds = await syntheticWorkflows(user.id);
    await smtp.waitFor(3);

    const artifacts = await collectEventArtifacts({ correlationIds, logs: logs.raw, emails: smtp.messages });
    // The scan covered all nine events, their audit rows, their log lines and the three emails.
    const types = new Set(artifacts.filter((a) => a.source.startsWith("audit_logs")).map((a) => JSON.parse(a.content).eventType));
    expect(types.size).toBe(9);
    expect(artifacts.filter((a) => a.source.startsWith("smtp"))).toHaveLength(3);
    expect(artifacts.filter((a) => a.source.startsWith("email_deliveries"))).toHaveLength(3);
    expect(logs.lines.filter((l) => typeof l.event === "string" && correlationIds.includes(String(l.correlationId)))).toHaveLength(12);

    expect(findCredentialLeaks(artifacts, credentials)).toEqual([]);
  });

  it("the scanner does find a credential, raw or encoded, where one was leaked (negative control)", () => {
    const artifacts = [
      { source: "log", content: `{"msg":"oops","token":"${credentials.accessToken}"}` },
      { source: "email", content: `https://x.example/?c=${encodeURIComponent(credentials.authorizationCode + "/+")}` },
      { source: "header", content: `Authorization: Basic ${Buffer.from(credentials.clientSecret).toString("base64")}` },
      { source: "clean", content: "nothing to see" },
    ];
    const leaks = findCredentialLeaks(artifacts, {
      accessToken: credentials.accessToken,
      authorizationCode: `${credentials.authorizationCode}/+`,
      clientSecret: credentials.clientSecret,
    });
    expect(leaks.map((l) => [l.credential, l.encoding, l.source])).toEqual([
      ["accessToken", "raw", "log"],
      ["authorizationCode", "url", "email"],
      ["clientSecret", "base64", "header"],
    ]);
    expect(leaks[0]!.excerpt).toContain("[accessToken]");
    expect(leaks[0]!.excerpt).not.toContain(credentials.accessToken);
    // Identical encodings are scanned once.
    expect(credentialVariants("abcdefgh").map((v) => v.encoding)).toEqual(["raw", "base64"]);
    expect(credentialVariants("a/b+c?d=").map((v) => v.encoding)).toEqual(["raw", "url", "base64", "base64url"]);
  });
});
