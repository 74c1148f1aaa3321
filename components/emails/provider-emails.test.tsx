import { describe, expect, it } from "vitest";

import { renderEmailMessage } from "@/lib/email/render-email-message";

import { ProviderConnectedEmail } from "./provider-connected-email";
import { ProviderDisconnectedEmail } from "./provider-disconnected-email";
import { ReconnectNeededEmail } from "./reconnect-needed-email";

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
});
