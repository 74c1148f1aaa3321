/**
 * Which events become which email (DESIGN.md §2), with the subject and the template's props.
 * Pure apart from the configuration (provider names, APP_URL), so it is tested without a database.
 */
import { createElement, type FunctionComponent, type ReactElement } from "react";

import { formatEmailTime, type ActionEmailProps } from "@/components/emails/email-parts";
import { ProviderConnectedEmail } from "@/components/emails/provider-connected-email";
import { ProviderDisconnectedEmail } from "@/components/emails/provider-disconnected-email";
import { ReconnectNeededEmail } from "@/components/emails/reconnect-needed-email";

import { describeDevice } from "../../email/describe-device";
import { renderWithSlots, type RenderedMessage } from "../../email/render-with-slots";
import { env } from "../../env";
import type { DomainEvent } from "../events";
import { reasonText } from "../../failure-reasons";
import { providerName as nameOfProvider } from "../../providers/find-provider";

export const EMAIL_TEMPLATES = ["provider-connected", "provider-disconnected", "reconnect-needed"] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface Notification {
  template: EmailTemplate;
  subject: string;
  /** The template with its props (previews, tests). */
  element: () => ReactElement;
  /** Its HTML and text, byte for byte those of `element()`, rendered once per shape (lib/email/render-with-slots.ts). */
  render: () => Promise<RenderedMessage>;
}

/** What differs from one notification of a kind to the next: filled into one rendering per shape. */
const SLOTS = ["when", "ipAddress", "device"] as const satisfies readonly (keyof ActionEmailProps)[];

function notification<P extends ActionEmailProps>(template: EmailTemplate, subject: string, component: FunctionComponent<P>, props: P): Notification {
  return {
    template,
    subject,
    element: () => createElement(component, props),
    render: () => renderWithSlots(template, component, props, SLOTS),
  };
}

/**
 * The email an event asks for, or null (refresh failures that fix themselves send nothing).
 * Its times are in `timeZone`, the recipient's stored zone (UTC when they have none).
 */
export function notificationFor(event: DomainEvent, timeZone?: string): Notification | null {
  const providerName = nameOfProvider(event.providerSlug);
  const action: ActionEmailProps = {
    providerName,
    when: formatEmailTime(event.occurredAt, timeZone),
    ipAddress: event.ipAddress,
    device: describeDevice(event.userAgent),
    activityUrl: `${env.APP_URL}/activity`,
  };
  switch (event.type) {
    case "ProviderConnectionSucceeded":
      return notification("provider-connected", `${providerName} connected`, ProviderConnectedEmail, action);
    case "ProviderDisconnectionSucceeded":
      return notification("provider-disconnected", `${providerName} disconnected`, ProviderDisconnectedEmail, action);
    case "ProviderTokenRefreshFailed":
      if (!event.needsUserAction) return null;
      return notification("reconnect-needed", `Reconnect ${providerName}`, ReconnectNeededEmail, {
        ...action,
        reasonText: reasonText(event.reason),
        connectionsUrl: `${env.APP_URL}/connections`,
      });
    default:
      return null;
  }
}
