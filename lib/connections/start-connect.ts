/**
 * Step one of connecting a bank: the user pressed Connect (or Reconnect). Answers the
 * provider's authorization URL; complete-connect.ts takes the flow back at the callback.
 */
import { randomUUID } from "node:crypto";

import { ExpectedError } from "../errors";
import { getDb } from "../db/client";
import { createEvent } from "../events/create-event";
import { emitCollapsed } from "../events/emit-collapsed";
import { emitNow } from "../events/emit";
import { reasonText } from "../failure-reasons";
import { findProvider } from "../providers/find-provider";
import { createAuthorizationRequest, OAuthFlowError } from "../providers/oauth-client";
import { consumeRateLimit } from "../rate-limit";
import { saveOAuthState } from "./oauth-state";
import { aliasesInUse, findOwnedConnection, insertPendingConnection } from "./queries";
import { isReconnectable } from "./reconnectable";

export const CONNECT_RATE_LIMIT = { limit: 5, windowSeconds: 10 * 60 };

export interface StartConnectInput {
  userId: string;
  providerSlug: string;
  /** Optional name to tell several connections to one provider apart. */
  alias?: string;
  /** Reconnect: the connection (owned by the user, needing them) to re-activate. */
  connectionId?: string;
}

export async function startConnect(input: StartConnectInput): Promise<{ authorizationUrl: string; correlationId: string }> {
  const provider = findProvider(input.providerSlug);
  if (!provider) throw new ExpectedError("unknown_provider", "That provider is not available.");
  const target = await resolveTarget(input, provider.name);

  const correlationId = randomUUID();
  const base = { userId: input.userId, providerId: provider.slug, providerSlug: provider.slug };

  // Checked before any event: attempts past the limit collapse into one audited attempt
  // per window and a count (lib/events/emit-collapsed.ts), so they cannot flood the log.
  const rate = await consumeRateLimit({ key: `connect:${input.userId}`, ...CONNECT_RATE_LIMIT });
  if (!rate.allowed) {
    await emitCollapsed(input.userId, [
      createEvent("ProviderConnectionAttempted", base, { correlationId }),
      createEvent("ProviderConnectionFailed", { ...base, reason: "rate_limited" }, { correlationId }),
    ]);
    const minutes = Math.ceil(rate.retryAfterSeconds / 60);
    throw new ExpectedError(
      "rate_limited",
      `You have started several connections in a short time. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }

  await emitNow(createEvent("ProviderConnectionAttempted", base, { correlationId }));
  const fail = async (reason: "provider_unavailable" | "oauth_error", message: string) => {
    await emitNow(createEvent("ProviderConnectionFailed", { ...base, reason }, { correlationId }));
    return new ExpectedError(reason, message);
  };

  let request: Awaited<ReturnType<typeof createAuthorizationRequest>>;
  try {
    request = await createAuthorizationRequest(provider, { redirectUri: provider.redirectUri });
  } catch (error) {
    const reason = error instanceof OAuthFlowError && error.code === "oauth_error" ? "oauth_error" : "provider_unavailable";
    throw await fail(reason, reasonText(reason));
  }

  // No event here: the outcome comes at the callback (or from the sweep, if the flow is abandoned).
  const db = await getDb();
  await db.transaction(async (tx) => {
    if (!target.existingId) {
      await insertPendingConnection(tx, { id: target.connectionId, userId: input.userId, providerSlug: provider.slug, alias: target.alias });
    }
    await saveOAuthState(tx, {
      state: request.state,
      codeVerifier: request.codeVerifier,
      userId: input.userId,
      providerSlug: provider.slug,
      connectionId: target.connectionId,
      alias: target.alias,
      correlationId,
    });
  });

  return { authorizationUrl: request.url.toString(), correlationId };
}

/**
 * Which row the flow will activate: the connection being reconnected, an abandoned
 * pending row with the same alias, or a new one. Bad input is refused before any event.
 */
async function resolveTarget(
  input: StartConnectInput,
  providerName: string,
): Promise<{ connectionId: string; alias: string; existingId: string | null }> {
  const db = await getDb();
  if (input.connectionId) {
    const connection = await findOwnedConnection({ db, userId: input.userId, connectionId: input.connectionId });
    if (!connection || connection.providerSlug !== input.providerSlug || !isReconnectable(connection)) {
      throw new ExpectedError("connection_not_found", "That connection cannot be reconnected.");
    }
    return { connectionId: connection.id, alias: connection.alias, existingId: connection.id };
  }

  const taken = await aliasesInUse({ db, userId: input.userId, providerSlug: input.providerSlug });
  const requested = input.alias?.trim();
  if (requested) {
    const existing = taken.find((c) => c.alias.toLowerCase() === requested.toLowerCase());
    if (existing?.status === "pending") return { connectionId: existing.id, alias: existing.alias, existingId: existing.id };
    if (existing) {
      throw new ExpectedError("alias_taken", `You already have a ${providerName} connection called “${existing.alias}”.`);
    }
    return { connectionId: randomUUID(), alias: requested, existingId: null };
  }
  // Default alias: the provider's name, numbered when the user connects it again.
  for (let n = 1; ; n += 1) {
    const alias = n === 1 ? providerName : `${providerName} ${n}`;
    const existing = taken.find((c) => c.alias.toLowerCase() === alias.toLowerCase());
    if (existing?.status === "pending") return { connectionId: existing.id, alias: existing.alias, existingId: existing.id };
    if (!existing) return { connectionId: randomUUID(), alias, existingId: null };
  }
}
