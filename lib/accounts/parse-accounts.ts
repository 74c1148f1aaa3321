import type { AccountsEndpoint } from "../providers/registry";
import { parseFdxAccounts } from "./parse-fdx-accounts";
import { parseSchwabAccounts } from "./parse-schwab-accounts";
import type { ParseResult } from "./parsed-account";

/**
 * The parser for a provider's accounts format. `idKey` (a server secret) keys the ids made
 * for providers whose only account id is the account number.
 */
export function parseAccounts(format: AccountsEndpoint["format"], text: string, { idKey }: { idKey: string }): ParseResult {
  switch (format) {
    case "fdx":
      return parseFdxAccounts(text);
    case "schwab-trader":
      return parseSchwabAccounts(text, { idKey });
  }
}
