/**
 * Charles Schwab Trader API `GET /trader/v1/accounts`: a list of
 * `{ securitiesAccount: { type, accountNumber, currentBalances: {...} } }`. Schwab sends the
 * full account number; only its last four characters survive (and, as the id, an HMAC of it
 * keyed with `idKey`, a server secret).
 * The account's value is `currentBalances.liquidationValue`; what can be spent is
 * `availableFunds` (margin accounts) or `cashAvailableForTrading` (cash accounts). Pure.
 */
import type { ParsedAccount, ParseResult } from "./parsed-account";
import { balance, isRecord, MalformedAccounts, maskAccountNumber, opaqueId, parseJson, parseList, requiredString } from "./parsed-account";

export function parseSchwabAccounts(text: string, { idKey }: { idKey: string }): ParseResult {
  const json = parseJson(text);
  if (!json.ok) return json;
  return parseList(json.value, (item, index) => schwabAccount(item, index, idKey));
}

function schwabAccount(item: unknown, index: number, idKey: string): ParsedAccount {
  const account = isRecord(item) ? item.securitiesAccount : undefined;
  if (!isRecord(account)) throw new MalformedAccounts(`[${index}].securitiesAccount is missing`);
  const at = (field: string) => `[${index}].securitiesAccount.${field}`;
  const number = requiredString(account.accountNumber, at("accountNumber"), 64);
  const type = requiredString(account.type, at("type"), 40);
  const balances = account.currentBalances;
  if (!isRecord(balances)) throw new MalformedAccounts(`${at("currentBalances")} is missing`);
  const masked = maskAccountNumber(number);
  return {
    externalId: opaqueId("schwab", number, idKey),
    type: "brokerage",
    name: `${type === "MARGIN" ? "Margin" : type === "CASH" ? "Cash" : type} account${masked ? ` ${masked}` : ""}`,
    maskedNumber: masked,
    currency: "USD",
    currentBalance: balance(balances.liquidationValue, at("currentBalances.liquidationValue")),
    availableBalance: balance(
      balances.availableFunds ?? balances.cashAvailableForTrading,
      at("currentBalances.availableFunds"),
    ),
    balanceAsOf: null,
  };
}
