import { describe, expect, it } from "vitest";

import { renderEmailMessage } from "@/lib/email/render-email-message";

import { formatEmailTime } from "./email-parts";
import { ProviderConnectedEmail } from "./provider-connected-email";
import { ProviderDisconnectedEmail } from "./provider-disconnected-email";
import { ReconnectNeededEmail } from "./reconnect-needed-email";
import { ReconnectSoonEmail } from "./reconnect-soon-email";

describe("provider email templates", () => {
  it.each([
    ["provider connected", <ProviderConnectedEmail key="c" {...ProviderConnectedEmail.PreviewProps} />, "Acme Bank connected"],
    ["provider disconnected", <ProviderDisconnectedEmail key="d" {...ProviderDisconnectedEmail.PreviewProps} />, "Charles Schwab disconnected"],
    ["reconnect needed", <ReconnectNeededEmail key="r" {...ReconnectNeededEmail.PreviewProps} />, "Reconnect Acme Bank"],
  ])("%s renders its preview data to HTML and text", async (_name, element, heading) => {
    const { html, text } = await renderEmailMessage(element);
    expect(html).toContain(heading);
    expect(text).toContain(heading);
    expect(text).toContain("http://localhost:3000/activity");
    expect(text).not.toMatch(/<[a-z!]/i);
    // The hidden preview line is for the inbox list, not the body.
    expect(text).not.toContain("Ledgerlink lost access");
  });

  it("shows IP and device only when there was a request", async () => {
    const withRequest = await renderEmailMessage(<ProviderConnectedEmail {...ProviderConnectedEmail.PreviewProps} />);
    expect(withRequest.text).toContain("IP address: 203.0.113.42");
    expect(withRequest.text).toContain("Device: Firefox on macOS");
    const scheduled = await renderEmailMessage(<ReconnectNeededEmail {...ReconnectNeededEmail.PreviewProps} />);
    expect(scheduled.text).not.toContain("IP address");
    expect(scheduled.text).toContain("When: Saturday 28 November 2026 at 03:15 UTC");
  });

  it("writes times in the recipient's zone and names it; without one, UTC, named as UTC", () => {
    expect(formatEmailTime("2026-11-27T10:04:00.000Z")).toBe("Friday 27 November 2026 at 10:04 UTC");
    expect(formatEmailTime("2026-11-27T10:04:00.000Z", "UTC")).toBe("Friday 27 November 2026 at 10:04 UTC");
    expect(formatEmailTime("2026-11-27T10:04:00.000Z", "America/New_York")).toBe("Friday 27 November 2026 at 05:04 EST (America/New_York)");
    // Summer time is named as such, and the day is the zone's own.
    expect(formatEmailTime("2026-07-01T02:30:00.000Z", "America/New_York")).toBe("Tuesday 30 June 2026 at 22:30 EDT (America/New_York)");
    expect(formatEmailTime("2026-11-27T23:30:00.000Z", "Asia/Tokyo")).toBe("Saturday 28 November 2026 at 08:30 GMT+9 (Asia/Tokyo)");
  });

  it("renders the recipient's zone into each email that shows a time", async () => {
    // The action emails show the time as the notification wrote it (lib/events/handlers/email-notifications.ts).
    const inNewYork = formatEmailTime("2026-11-27T10:04:00.000Z", "America/New_York");
    const connected = await renderEmailMessage(<ProviderConnectedEmail {...ProviderConnectedEmail.PreviewProps} when={inNewYork} />);
    expect(connected.text).toContain("When: Friday 27 November 2026 at 05:04 EST (America/New_York)");
    const soon = await renderEmailMessage(<ReconnectSoonEmail {...ReconnectSoonEmail.PreviewProps} timeZone="Europe/Paris" />);
    expect(soon.text).toContain("stops working on Thursday 3 December 2026 at 10:30 GMT+1 (Europe/Paris)");
    const inTokyo = formatEmailTime("2026-11-28T03:15:00.000Z", "Asia/Tokyo");
    const needed = await renderEmailMessage(<ReconnectNeededEmail {...ReconnectNeededEmail.PreviewProps} when={inTokyo} />);
    expect(needed.text).toContain("When: Saturday 28 November 2026 at 12:15 GMT+9 (Asia/Tokyo)");
  });
});
