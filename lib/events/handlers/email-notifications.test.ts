import { describe, expect, it, vi } from "vitest";

import { renderEmailMessage } from "../../email/render-email-message";
import { createEvent } from "../create-event";
import { notificationFor } from "./email-notifications";

vi.mock("@/lib/env", () => ({
  env: { APP_URL: "https://ledgerlink.example" },
}));
vi.mock("@/lib/providers/get-providers", () => ({
  getProviders: () => ({ providers: [{ slug: "acme-bank", name: "Acme Bank" }], problems: [] }),
}));

const connection = {
  userId: "user-1",
  providerId: "acme-bank",
  providerSlug: "acme-bank",
  connectionId: "0b9a4b0e-6c1e-4a53-9d5e-2f3f3b1b2c4d",
};
const request = {
  ipAddress: "203.0.113.9",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
  occurredAt: new Date("2026-11-27T10:04:00Z"),
};

describe("email notifications", () => {
  it("connected: subject, HTML and text with the provider, time, IP, device and the activity link", async () => {
    const notification = notificationFor(createEvent("ProviderConnectionSucceeded", connection, request))!;
    expect(notification).toMatchObject({ template: "provider-connected", subject: "Acme Bank connected" });
    const { html, text } = await renderEmailMessage(notification.element());
    for (const part of [html, text]) {
      expect(part).toContain("Acme Bank connected");
      expect(part).toContain("Friday 27 November 2026 at 10:04 UTC");
      expect(part).toContain("203.0.113.9");
      expect(part).toContain("Firefox on Linux");
      expect(part).toContain("https://ledgerlink.example/activity");
    }
    expect(text).toContain("Wasn't you?");
    expect(html).toContain("Wasn&#x27;t you?");
    expect(html).toMatch(/<html/);
    expect(text).not.toMatch(/<[a-z]/);
  });

  it("disconnected: its own subject and template", async () => {
    const notification = notificationFor(createEvent("ProviderDisconnectionSucceeded", connection, request))!;
    expect(notification).toMatchObject({ template: "provider-disconnected", subject: "Acme Bank disconnected" });
    const { text } = await renderEmailMessage(notification.element());
    expect(text).toContain("Acme Bank disconnected");
    expect(text).toContain("https://ledgerlink.example/activity");
  });

  it("renders what the email handler sends: HTML and text of the same message", async () => {
    const notification = notificationFor(createEvent("ProviderDisconnectionSucceeded", connection, request))!;
    const { html, text } = await notification.render();
    expect(text).toContain("Acme Bank disconnected");
    expect(html).toMatch(/^<!DOCTYPE html/i);
    expect(html).toContain("Acme Bank disconnected");
  });

  it("reconnect needed: only when the user must act, with the reason and the reconnect link", async () => {
    const expired = createEvent("ProviderTokenRefreshFailed", { ...connection, reason: "refresh_token_expired", needsUserAction: true }, {
      occurredAt: request.occurredAt,
      actor: { type: "system" },
    });
    const notification = notificationFor(expired)!;
    expect(notification).toMatchObject({ template: "reconnect-needed", subject: "Reconnect Acme Bank" });
    const { html, text } = await renderEmailMessage(notification.element());
    expect(text).toContain("Your access to this provider has expired.");
    expect(html).toContain('href="https://ledgerlink.example/connections"');
    expect(text).toContain("https://ledgerlink.example/activity");
    // A scheduled refresh has no request: no IP or device lines.
    expect(text).not.toContain("IP address:");
    expect(text).not.toContain("Device:");

    const transient = createEvent("ProviderTokenRefreshFailed", { ...connection, reason: "network_error", needsUserAction: false });
    expect(notificationFor(transient)).toBeNull();
  });

  it("sends nothing for the other six events", () => {
    const provider = { userId: "user-1", providerId: "acme-bank", providerSlug: "acme-bank" };
    expect(notificationFor(createEvent("ProviderConnectionAttempted", provider))).toBeNull();
    expect(notificationFor(createEvent("ProviderConnectionFailed", { ...provider, reason: "oauth_error" }))).toBeNull();
    expect(notificationFor(createEvent("ProviderDisconnectionAttempted", connection))).toBeNull();
    expect(notificationFor(createEvent("ProviderDisconnectionFailed", { ...connection, reason: "database_error" }))).toBeNull();
    expect(notificationFor(createEvent("ProviderTokenRefreshAttempted", connection))).toBeNull();
    expect(notificationFor(createEvent("ProviderTokenRefreshSucceeded", connection))).toBeNull();
  });

  it("names an unconfigured provider by its slug", () => {
    const gone = { ...connection, providerId: "old-bank", providerSlug: "old-bank" };
    expect(notificationFor(createEvent("ProviderConnectionSucceeded", gone))!.subject).toBe("old-bank connected");
  });
});
