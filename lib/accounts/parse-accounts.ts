import type { AccountsEndpoint } from "../providers/registry";
import { parseFdxAccounts } from "./parse-fdx-accounts";
import { parseSchwabAccounts } from "./parse-schwab-accounts";
import type { ParseResult } from "./parsed-account";

/** The parser for a provider's accounts format. */
export function parseAccounts(format: AccountsEndpoint["format"], text: string): ParseResult {
  switch (format) {
    case "fdx":
      return parseFdxAccounts(text);
    case "schwab-trader":
      return parseSchwabAccounts(text);
  }
}
