/**
 * Which events become which email (DESIGN.md §2), with the subject and the template's props.
 * Pure apart from the configuration (provider names, APP_URL), so it is tested without a database.
 */
import { createElement, type ReactElement } from "react";

import { ProviderConnectedEmail } from "@/components/emails/provider-connected-email";
import { ProviderDisconnectedEmail } from "@/components/emails/provider-disconnected-email";
import { ReconnectNeededEmail } from "@/components/emails/reconnect-needed-email";

import { describeDevice } from "../../email/describe-device";
import { env } from "../../env";
import type { DomainEvent } from "../events";
import { reasonText } from "../../failure-reasons";
import { providerName as nameOfProvider } from "../../providers/find-provider";

export const EMAIL_TEMPLATES = ["provider-connected", "provider-disconnected", "reconnect-needed"] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface Notification {
  template: EmailTemplate;
  subject: string;
  /** Built on demand: rendering is the expensive part and is skipped when the email already exists. */
  element: () => ReactElement;
}

/**
 * The email an event asks for, or null (refresh failures that fix themselves send nothing).
 * Its times are in `timeZone`, the recipient's stored zone (UTC when they have none).
 */
export function notificationFor(event: DomainEvent, timeZone?: string): Notification | null {
  const providerName = nameOfProvider(event.providerSlug);
  const action = {
    providerName,
    occurredAt: event.occurredAt,
    ipAddress: event.ipAddress,
    device: describeDevice(event.userAgent),
    activityUrl: `${env.APP_URL}/activity`,
    timeZone,
  };
  switch (event.type) {
    case "ProviderConnectionSucceeded":
      return {
        template: "provider-connected",
        subject: `${providerName} connected`,
        element: () => createElement(ProviderConnectedEmail, action),
      };
    case "ProviderDisconnectionSucceeded":
      return {
        template: "provider-disconnected",
        subject: `${providerName} disconnected`,
        element: () => createElement(ProviderDisconnectedEmail, action),
      };
    case "ProviderTokenRefreshFailed":
      if (!event.needsUserAction) return null;
      return {
        template: "reconnect-needed",
        subject: `Reconnect ${providerName}`,
        element: () =>
          createElement(ReconnectNeededEmail, {
            ...action,
            reasonText: reasonText(event.reason),
            connectionsUrl: `${env.APP_URL}/connections`,
          }),
      };
    default:
      return null;
  }
}
