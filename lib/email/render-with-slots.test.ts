import { Text } from "@react-email/components";
import { createElement, type FunctionComponent, type ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";

import { formatEmailTime, type ActionEmailProps } from "@/components/emails/email-parts";
import { EmailLayout } from "@/components/emails/email-layout";
import { ProviderConnectedEmail } from "@/components/emails/provider-connected-email";
import { ProviderDisconnectedEmail } from "@/components/emails/provider-disconnected-email";
import { ReconnectNeededEmail, type ReconnectNeededEmailProps } from "@/components/emails/reconnect-needed-email";

import { renderEmailMessage } from "./render-email-message";
import { renderWithSlots } from "./render-with-slots";

const warn = vi.fn();
vi.mock("../logger", () => ({ getLogger: () => ({ warn }) }));
// Counted, to tell a filled rendering from a full one.
vi.mock("./render-email-message", async (importOriginal) => {
  const original = await importOriginal<typeof import("./render-email-message")>();
  return { renderEmailMessage: vi.fn(original.renderEmailMessage) };
});

const SLOTS = ["when", "ipAddress", "device"] as const;

/** A small deterministic generator, so a failure names a reproducible value. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Words that fill a slot as they are (markup, entities, quotes and non-ASCII included)... */
const WORDS = ["a", "Z9", "&", "<", ">", '"', "'", "&amp;", "<b>", "é", "ü", "日本", "😀", "\u00a0", "\u202f", "-", ":", "/", "=", "()", "\\", "%", "$1", "<!--", "-->"];
/** ...and white space the text conversion reshapes, which makes a value be rendered in full. */
const RESHAPING = [" ", "  ", "\t", "\n", "\u200b"];

function randomValue(next: () => number): string {
  const words = Array.from({ length: 1 + Math.floor(next() * 4) }, () => WORDS[Math.floor(next() * WORDS.length)]);
  const value = words.join(" ");
  if (next() > 0.2) return value;
  const at = Math.floor(next() * (value.length + 1));
  return value.slice(0, at) + RESHAPING[Math.floor(next() * RESHAPING.length)] + value.slice(at);
}

const base: ActionEmailProps = {
  providerName: "Acme Bank",
  when: formatEmailTime("2026-11-27T10:04:00.000Z", "America/New_York"),
  ipAddress: "203.0.113.42",
  device: "Firefox on macOS",
  activityUrl: "https://ledgerlink.example/activity",
};
const needed: ReconnectNeededEmailProps = { ...base, reasonText: "The provider withdrew Ledgerlink's access.", connectionsUrl: "https://ledgerlink.example/connections" };

async function expectSameAsFullRender<P extends object>(name: string, template: FunctionComponent<P>, props: P, slots: readonly (keyof P & string)[]) {
  const filled = await renderWithSlots(name, template, props, slots);
  const rendered = await renderEmailMessage(createElement(template, props));
  expect(filled.html, JSON.stringify(props)).toBe(rendered.html);
  expect(filled.text, JSON.stringify(props)).toBe(rendered.text);
}

describe("rendering with slots", () => {
  it("gives byte for byte the full rendering, for ordinary and hostile values alike", async () => {
    const next = random(20261127);
    for (let i = 0; i < 80; i++) {
      const slotValues = {
        when: next() < 0.8 ? formatEmailTime(new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 4e10)).toISOString(), ["UTC", "Asia/Kolkata", "America/New_York"][i % 3]) : randomValue(next),
        ipAddress: next() < 0.2 ? null : randomValue(next),
        device: next() < 0.2 ? null : randomValue(next),
      };
      await expectSameAsFullRender("provider-connected", ProviderConnectedEmail, { ...base, ...slotValues }, SLOTS);
      await expectSameAsFullRender("provider-disconnected", ProviderDisconnectedEmail, { ...base, providerName: "Crédit <Agricole> & Co", ...slotValues }, SLOTS);
      await expectSameAsFullRender("reconnect-needed", ReconnectNeededEmail, { ...needed, ...slotValues }, SLOTS);
    }
  }, 60_000);

  it("fills a shape it has rendered and checked without rendering again", async () => {
    await renderWithSlots("provider-connected", ProviderConnectedEmail, base, SLOTS); // rendered, then checked
    await renderWithSlots("provider-connected", ProviderConnectedEmail, base, SLOTS);
    vi.mocked(renderEmailMessage).mockClear();
    const hostile = { ...base, ipAddress: `a&b<c>"d'e ü 😀`, device: "<!-- --> &amp; $1" };
    const filled = await renderWithSlots("provider-connected", ProviderConnectedEmail, hostile, SLOTS);
    expect(renderEmailMessage).not.toHaveBeenCalled();
    expect(filled).toEqual(await renderEmailMessage(createElement(ProviderConnectedEmail, hostile)));
  });

  it("keeps shapes apart: another provider, reason or missing line is another rendering", async () => {
    await expectSameAsFullRender("provider-connected", ProviderConnectedEmail, base, SLOTS);
    await expectSameAsFullRender("provider-connected", ProviderConnectedEmail, { ...base, providerName: "Charles Schwab" }, SLOTS);
    await expectSameAsFullRender("provider-connected", ProviderConnectedEmail, { ...base, ipAddress: null, device: null }, SLOTS);
    await expectSameAsFullRender("reconnect-needed", ReconnectNeededEmail, { ...needed, reasonText: "Your access to this provider has expired." }, SLOTS);
    await expectSameAsFullRender("reconnect-needed", ReconnectNeededEmail, { ...needed, ipAddress: "", device: "" }, SLOTS);
  });

  it("renders in full, and says so, a template whose output depends on a slot beyond its text", async () => {
    // The preview line is padded to a fixed length, so a slot in it changes more than its own text.
    function SlotInPreview({ ipAddress }: { ipAddress: string }) {
      const Layout = EmailLayout as FunctionComponent<{ preview: string; children?: ReactNode }>;
      return createElement(Layout, { preview: `Signed in from ${ipAddress}` }, createElement(Text, null, "Hello"));
    }
    for (const ipAddress of ["203.0.113.1", "2001:db8::1", "198.51.100.20"]) {
      await expectSameAsFullRender("slot-in-preview", SlotInPreview, { ipAddress }, ["ipAddress"]);
    }
    expect(warn).toHaveBeenCalledWith({ template: "slot-in-preview", slots: ["ipAddress"] }, expect.stringContaining("rendered in full"));
  });
});
