/**
 * FDX (Financial Data Exchange) v6 `GET /accounts`: `{ accounts: [...] }`, each entry either
 * wrapped in its kind (`{ depositAccount: {...} }`, `locAccount`, `loanAccount`,
 * `investmentAccount`, …) or the account object itself. Pure.
 */
import type { AccountType, ParsedAccount, ParseResult } from "./parsed-account";
import {
  balance,
  currencyCode,
  isRecord,
  MalformedAccounts,
  maskAccountNumber,
  optionalDate,
  parseJson,
  parseList,
  requiredString,
} from "./parsed-account";

const TYPES: Record<string, AccountType> = {
  CHECKING: "checking",
  SAVINGS: "savings",
  MONEYMARKET: "savings",
  CD: "savings",
  CREDITCARD: "credit_card",
  BROKERAGE: "brokerage",
  "401K": "brokerage",
  IRA: "brokerage",
  ROTH: "brokerage",
};

export function parseFdxAccounts(text: string): ParseResult {
  const json = parseJson(text);
  if (!json.ok) return json;
  if (!isRecord(json.value)) return { ok: false, reason: "malformed", detail: "body is not an object" };
  return parseList(json.value.accounts, fdxAccount);
}

function fdxAccount(item: unknown, index: number): ParsedAccount {
  const entity = unwrap(item, index);
  const at = (field: string) => `accounts[${index}].${field}`;
  const accountType = requiredString(entity.accountType, at("accountType"), 40).toUpperCase();
  const name = entity.nickname ?? entity.productName;
  const currency = isRecord(entity.currency) ? entity.currency.currencyCode : entity.currency;
  return {
    externalId: requiredString(entity.accountId, at("accountId"), 256),
    type: TYPES[accountType] ?? "other",
    name: requiredString(name, at("nickname or productName")),
    maskedNumber: maskAccountNumber(entity.accountNumberDisplay),
    currency: currencyCode(currency, at("currency.currencyCode")),
    currentBalance: balance(entity.currentBalance ?? entity.currentValue, at("currentBalance")),
    availableBalance: balance(entity.availableBalance ?? entity.availableCredit ?? entity.availableCashBalance, at("availableBalance")),
    balanceAsOf: optionalDate(entity.balanceAsOf, at("balanceAsOf")),
  };
}

function unwrap(item: unknown, index: number): Record<string, unknown> {
  if (!isRecord(item)) throw new MalformedAccounts(`accounts[${index}] is not an object`);
  if ("accountId" in item) return item;
  const inner = Object.values(item).filter(isRecord);
  if (inner.length !== 1) throw new MalformedAccounts(`accounts[${index}] has no account object`);
  return inner[0]!;
}
