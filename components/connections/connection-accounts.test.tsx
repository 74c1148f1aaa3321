import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

import type { AccountRead, ProviderAccount } from "@/lib/db/schema";

// The card's buttons are client components bound to server actions; their markup is not under test.
vi.mock("./refresh-accounts-button", () => ({ RefreshAccountsButton: () => null }));
vi.mock("./refresh-while-reading", () => ({ RefreshWhileReading: () => null }));

const { ConnectionAccounts } = await import("./connection-accounts");
const { AccountReadList } = await import("./account-read-list");

const connectionId = "00000000-0000-4000-8000-000000000001";
const readAt = new Date("2026-11-27T15:04:00.000Z");

function read(overrides: Partial<AccountRead> = {}): AccountRead {
  return {
    id: "00000000-0000-4000-8000-000000000002",
    connectionId,
    userId: "00000000-0000-4000-8000-000000000003",
    providerSlug: "sandbox-bank",
    correlationId: "00000000-0000-4000-8000-000000000004",
    trigger: "manual",
    outcome: "succeeded",
    reason: null,
    accountCount: 0,
    startedAt: readAt,
    finishedAt: readAt,
    ...overrides,
  };
}

const checking: ProviderAccount = {
  id: "00000000-0000-4000-8000-000000000005",
  connectionId,
  userId: "00000000-0000-4000-8000-000000000003",
  externalId: "acc-1",
  type: "checking",
  name: "Bills",
  maskedNumber: "…1234",
  currency: "USD",
  currentBalance: "1520.4500",
  availableBalance: null,
  balanceAsOf: readAt,
  readAt,
  position: 0,
};

function card(props: Partial<Parameters<typeof ConnectionAccounts>[0]> = {}): string {
  return renderToStaticMarkup(
    <ConnectionAccounts
      connectionId={connectionId}
      label="Sandbox Bank"
      active
      readsAccounts
      providerName="Sandbox Bank"
      accounts={[]}
      latestRead={undefined}
      connectedAt={new Date("2026-11-01T00:00:00.000Z")}
      {...props}
    />,
  );
}

describe("the connection card's accounts", () => {
  it("says the provider has no accounts to show when it has no accounts endpoint, and offers no list or refresh", () => {
    const html = card({ readsAccounts: false });
    expect(html).toContain("Sandbox Bank has no accounts to show in Ledgerlink.");
    expect(html).not.toContain("Accounts of");
    expect(html).not.toContain("reported no accounts");
  });

  it("says the bank reported no accounts after a good read that found none", () => {
    const html = card({ latestRead: read({ accountCount: 0 }) });
    expect(html).toContain("Sandbox Bank reported no accounts for this connection.");
    expect(html).not.toContain("<ul");
    expect(html).not.toContain("Could not read accounts");
  });

  it("writes the balance's 'as of' in the reader's zone, named; UTC without one", () => {
    expect(card({ accounts: [checking], latestRead: read({ accountCount: 1 }), timeZone: "America/New_York" })).toContain(
      "as of 27 Nov 2026, 10:04 GMT-5",
    );
    expect(card({ accounts: [checking], latestRead: read({ accountCount: 1 }) })).toContain("as of 27 Nov 2026, 15:04 UTC");
  });

  it("writes a failed read's time in the reader's zone", () => {
    const html = card({ latestRead: read({ outcome: "failed", reason: "timeout", accountCount: null }), timeZone: "Asia/Tokyo" });
    expect(html).toContain("Could not read accounts (28 Nov 2026, 00:04 GMT+9)");
  });
});

describe("the accounts reads on /activity", () => {
  it("writes each read's time in the reader's zone", () => {
    const html = renderToStaticMarkup(<AccountReadList reads={[read({ accountCount: 2 })]} timeZone="America/New_York" />);
    expect(html).toContain("27 Nov 2026, 10:04 GMT-5");
    expect(html).not.toContain("UTC");
  });
});
