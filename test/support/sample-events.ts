/**
 * One valid event of each of the nine types, for tests that must cover them all.
 * Same user, provider and connection throughout unless overridden.
 */
import { randomUUID } from "node:crypto";

import { createEvent, type CreateEventOptions } from "@/lib/events/create-event";
import type { EventOf } from "@/lib/events/events";

export interface SampleTarget {
  userId?: string;
  providerSlug?: string;
  connectionId?: string;
}

export type SampleEvents = [
  EventOf<"ProviderConnectionAttempted">,
  EventOf<"ProviderConnectionSucceeded">,
  EventOf<"ProviderConnectionFailed">,
  EventOf<"ProviderDisconnectionAttempted">,
  EventOf<"ProviderDisconnectionSucceeded">,
  EventOf<"ProviderDisconnectionFailed">,
  EventOf<"ProviderTokenRefreshAttempted">,
  EventOf<"ProviderTokenRefreshSucceeded">,
  EventOf<"ProviderTokenRefreshFailed">,
];

export function sampleEvents(target: SampleTarget = {}, options: CreateEventOptions = {}): SampleEvents {
  const userId = target.userId ?? "user-1";
  const providerSlug = target.providerSlug ?? "sandbox-bank";
  const connectionId = target.connectionId ?? randomUUID();
  const provider = { userId, providerId: providerSlug, providerSlug };
  const connection = { ...provider, connectionId };
  return [
    createEvent("ProviderConnectionAttempted", provider, options),
    createEvent("ProviderConnectionSucceeded", connection, options),
    createEvent("ProviderConnectionFailed", { ...provider, reason: "user_cancelled" }, options),
    createEvent("ProviderDisconnectionAttempted", connection, options),
    createEvent("ProviderDisconnectionSucceeded", connection, options),
    createEvent("ProviderDisconnectionFailed", { ...connection, reason: "connection_not_found" }, options),
    createEvent("ProviderTokenRefreshAttempted", connection, options),
    createEvent("ProviderTokenRefreshSucceeded", connection, options),
    createEvent("ProviderTokenRefreshFailed", { ...connection, reason: "refresh_token_expired", needsUserAction: true }, options),
  ];
}
