/**
 * The Sandbox Bank's made-up accounts: a few stable, plausible ones per login, derived from
 * the login alone (so a test or a person sees the same accounts every time), in the shape of
 * an FDX v6 `Accounts` response (Financial Data Exchange: `accounts[]` of typed account
 * objects such as `depositAccount`, `locLoanAccount`, `investmentAccount`).
 */
import { createHash } from "node:crypto";

export interface FdxAccountEntity {
  accountId: string;
  accountCategory: "DEPOSIT_ACCOUNT" | "LOC_ACCOUNT" | "INVESTMENT_ACCOUNT";
  accountType: "CHECKING" | "SAVINGS" | "CREDITCARD" | "BROKERAGE";
  productName: string;
  nickname?: string;
  accountNumberDisplay: string;
  currency: { currencyCode: string };
  status: "OPEN";
  balanceAsOf: string;
  currentBalance: number;
  availableBalance: number;
}

/** `{ accounts: [{ depositAccount: {...} }, …] }`, as FDX wraps each account in its kind. */
export interface FdxAccountsResponse {
  page: { totalElements: number };
  accounts: Array<Partial<Record<"depositAccount" | "locAccount" | "investmentAccount", FdxAccountEntity>>>;
}

const KINDS = [
  { wrapper: "depositAccount", category: "DEPOSIT_ACCOUNT", type: "CHECKING", product: "Everyday Checking", nickname: "Bills", scale: 5_000 },
  { wrapper: "depositAccount", category: "DEPOSIT_ACCOUNT", type: "SAVINGS", product: "High Yield Savings", nickname: "Rainy day", scale: 25_000 },
  { wrapper: "locAccount", category: "LOC_ACCOUNT", type: "CREDITCARD", product: "Sandbox Rewards Visa", nickname: undefined, scale: 3_000 },
  { wrapper: "investmentAccount", category: "INVESTMENT_ACCOUNT", type: "BROKERAGE", product: "Self-Directed Brokerage", nickname: undefined, scale: 80_000 },
] as const;

/** Checking always; then savings, credit card and brokerage depending on the login. */
export function sandboxAccountsFor(login: string, balanceAsOf: Date = startOfUtcDay(new Date())): FdxAccountsResponse {
  const seed = createHash("sha256").update(`sandbox-accounts:${login}`).digest();
  const accounts: FdxAccountsResponse["accounts"] = [];
  KINDS.forEach((kind, index) => {
    // Byte 0's low bits pick which optional kinds this login has (checking always).
    if (index > 0 && ((seed[0]! >> index) & 1) === 0 && index !== 2) return;
    const digits = String(seed.readUInt16BE(2 + index * 2) % 10_000).padStart(4, "0");
    const cents = seed.readUInt32BE(10 + index * 4) % (kind.scale * 100);
    const current = cents / 100;
    const isCard = kind.type === "CREDITCARD";
    const entity: FdxAccountEntity = {
      accountId: `sbx-${seed.toString("hex").slice(index * 6, index * 6 + 12)}-${index}`,
      accountCategory: kind.category,
      accountType: kind.type,
      productName: kind.product,
      ...(kind.nickname ? { nickname: kind.nickname } : {}),
      accountNumberDisplay: `...${digits}`,
      currency: { currencyCode: "USD" },
      status: "OPEN",
      balanceAsOf: balanceAsOf.toISOString(),
      // A card's balance is what is owed; available is the credit left on a 5,000 limit.
      currentBalance: current,
      availableBalance: isCard ? Math.round((5_000 - current) * 100) / 100 : Math.round(current * 0.97 * 100) / 100,
    };
    accounts.push({ [kind.wrapper]: entity });
  });
  return { page: { totalElements: accounts.length }, accounts };
}

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
