import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { sandboxAccountsFor } from "../providers/sandbox-bank/sandbox-accounts";
import { parseFdxAccounts } from "./parse-fdx-accounts";
import { parseSchwabAccounts } from "./parse-schwab-accounts";
import { MAX_ACCOUNTS, opaqueId } from "./parsed-account";

const ID_KEY = "test-account-id-key-0123456789abcdef";
const schwabFixture = readFileSync(new URL("./fixtures/schwab-trader-accounts.json", import.meta.url), "utf8");

describe("parseFdxAccounts", () => {
  it("maps the Sandbox Bank's FDX accounts: type, name, masked number, currency, balances, date", () => {
    const body = sandboxAccountsFor("alice", new Date("2026-11-30T00:00:00Z"));
    const result = parseFdxAccounts(JSON.stringify(body));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.accounts.length).toBe(body.accounts.length);
    const checking = result.accounts[0]!;
    expect(checking).toMatchObject({ type: "checking", name: "Bills", currency: "USD" });
    expect(checking.maskedNumber).toMatch(/^…\d{4}$/);
    expect(checking.currentBalance).toMatch(/^\d+\.\d{4}$/);
    expect(checking.balanceAsOf).toEqual(new Date("2026-11-30T00:00:00Z"));
    expect(result.accounts.map((a) => a.type)).toContain("credit_card");
  });

  it("gives each login the same accounts every time, and different logins different ones", () => {
    expect(sandboxAccountsFor("bob")).toEqual(sandboxAccountsFor("bob"));
    expect(sandboxAccountsFor("bob").accounts).not.toEqual(sandboxAccountsFor("carol").accounts);
  });

  it("accepts unwrapped account objects and FDX's other balance names", () => {
    const result = parseFdxAccounts(
      JSON.stringify({
        accounts: [
          { accountId: "a1", accountType: "BROKERAGE", productName: "Brokerage", currency: { currencyCode: "EUR" }, currentValue: 10.5, availableCashBalance: 2 },
        ],
      }),
    );
    expect(result).toEqual({
      ok: true,
      accounts: [
        { externalId: "a1", type: "brokerage", name: "Brokerage", maskedNumber: null, currency: "EUR", currentBalance: "10.5000", availableBalance: "2.0000", balanceAsOf: null },
      ],
    });
  });

  it("keeps only the last four characters of a number, even when sent in full", () => {
    const result = parseFdxAccounts(
      JSON.stringify({ accounts: [{ accountId: "x", accountType: "CHECKING", productName: "C", currency: { currencyCode: "USD" }, accountNumberDisplay: "000123456789" }] }),
    );
    expect(result.ok && result.accounts[0]!.maskedNumber).toBe("…6789");
  });

  it.each([
    ["not JSON", "<html>oops</html>", "not_json"],
    ["not an object", "[1,2]", "malformed"],
    ["no accounts list", "{}", "malformed"],
    ["a missing id", JSON.stringify({ accounts: [{ depositAccount: { accountType: "CHECKING", productName: "x", currency: { currencyCode: "USD" } } }] }), "malformed"],
    ["a missing name", JSON.stringify({ accounts: [{ accountId: "a", accountType: "CHECKING", currency: { currencyCode: "USD" } }] }), "malformed"],
    ["a balance as a string", JSON.stringify({ accounts: [{ accountId: "a", accountType: "CHECKING", productName: "x", currency: { currencyCode: "USD" }, currentBalance: "12.30" }] }), "malformed"],
    ["a bad currency", JSON.stringify({ accounts: [{ accountId: "a", accountType: "CHECKING", productName: "x", currency: { currencyCode: "dollars" } }] }), "malformed"],
    ["a bad date", JSON.stringify({ accounts: [{ accountId: "a", accountType: "CHECKING", productName: "x", currency: { currencyCode: "USD" }, balanceAsOf: "yesterday" }] }), "malformed"],
    ["duplicate ids", JSON.stringify({ accounts: [1, 2].map(() => ({ accountId: "a", accountType: "CHECKING", productName: "x", currency: { currencyCode: "USD" } })) }), "malformed"],
  ])("refuses %s", (_name, body, reason) => {
    const result = parseFdxAccounts(body);
    expect(result).toMatchObject({ ok: false, reason });
  });

  it(`refuses more than ${MAX_ACCOUNTS} accounts (10,000 here)`, () => {
    const one = { accountId: "a", accountType: "CHECKING", productName: "x", currency: { currencyCode: "USD" } };
    const result = parseFdxAccounts(JSON.stringify({ accounts: Array.from({ length: 10_000 }, (_, i) => ({ ...one, accountId: `a${i}` })) }));
    expect(result).toMatchObject({ ok: false, reason: "too_many_accounts" });
  });
});

describe("parseSchwabAccounts (Trader API /trader/v1/accounts)", () => {
  it("maps securitiesAccount: masked number, type, liquidation value and available funds", () => {
    const result = parseSchwabAccounts(schwabFixture, { idKey: ID_KEY });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.accounts).toEqual([
      expect.objectContaining({ type: "brokerage", name: "Margin account …4321", maskedNumber: "…4321", currency: "USD", currentBalance: "48390.1200", availableBalance: "5120.5000" }),
      expect.objectContaining({ name: "Cash account …5678", maskedNumber: "…5678", currentBalance: "17250.3300", availableBalance: "2500.0000" }),
    ]);
  });

  it("makes ids that cannot be reversed from the masked tail without the server key", () => {
    const result = parseSchwabAccounts(schwabFixture, { idKey: ID_KEY });
    if (!result.ok) throw new Error("the fixture parses");
    const [first] = result.accounts;
    // Everything a reader of the table has: the id and "…4321". Try every 8-digit number ending
    // in 4321, hashed without a key (SHA-256, as anyone can) and with a key that is not ours.
    const guesses = new Set<string>();
    for (let prefix = 0; prefix < 10_000; prefix += 1) {
      const number = `${String(prefix).padStart(4, "0")}4321`;
      guesses.add(createHash("sha256").update(number).digest("hex").slice(0, 24));
      guesses.add(createHash("sha256").update(`schwab:${number}`).digest("hex").slice(0, 24));
      guesses.add(opaqueId("schwab", number, "not-the-server-key").slice("schwab-".length));
    }
    expect(first!.maskedNumber).toBe("…4321");
    expect(guesses.has(first!.externalId.slice("schwab-".length))).toBe(false);
    // Stable for one key, so a re-read updates the same rows.
    const again = parseSchwabAccounts(schwabFixture, { idKey: ID_KEY });
    expect(again.ok && again.accounts.map((a) => a.externalId)).toEqual(result.accounts.map((a) => a.externalId));
  });

  it("never keeps the full account number, not even as the id", () => {
    const result = parseSchwabAccounts(schwabFixture, { idKey: ID_KEY });
    const stored = JSON.stringify(result);
    expect(stored).not.toContain("87654321");
    expect(stored).not.toContain("12345678");
  });

  it("refuses a response without currentBalances or with string balances", () => {
    const [first] = JSON.parse(schwabFixture) as [{ securitiesAccount: Record<string, unknown> }];
    const { currentBalances: _gone, ...without } = first.securitiesAccount;
    expect(parseSchwabAccounts(JSON.stringify([{ securitiesAccount: without }]), { idKey: ID_KEY })).toMatchObject({ ok: false, reason: "malformed" });
    const strings = { ...first.securitiesAccount, currentBalances: { liquidationValue: "48390.12" } };
    expect(parseSchwabAccounts(JSON.stringify([{ securitiesAccount: strings }]), { idKey: ID_KEY })).toMatchObject({ ok: false, reason: "malformed" });
    expect(parseSchwabAccounts("{}", { idKey: ID_KEY })).toMatchObject({ ok: false, reason: "malformed" });
  });
});
