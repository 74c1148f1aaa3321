import { expect, type Page } from "@playwright/test";

import { parseEnv } from "../../lib/env";
import { sandboxControl } from "../../lib/providers/sandbox-bank/control-client";
import { e2eEnv } from "./e2e-env";

const appEnv = parseEnv({ ...e2eEnv } as unknown as NodeJS.ProcessEnv);

/** The Sandbox Bank's control API, as the app under test knows it. */
export const bankControl = sandboxControl({ issuer: e2eEnv.SANDBOX_BANK_URL, secret: appEnv.sandboxBankControlSecret });
export const cronSecret = e2eEnv.CRON_SECRET;

export type BankOutcome =
  | "Approve (normal tokens)"
  | "Approve with short-lived tokens"
  | "Token endpoint error"
  | "Reject client credentials"
  | "Bank unavailable (503)";

export function uniqueLogin(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 8)}`;
}

/** At the Sandbox Bank's consent page: sign in as `login`, pick an outcome, Continue or Deny. */
export async function consentAtBank(page: Page, { login, outcome = "Approve (normal tokens)", deny = false }: { login: string; outcome?: BankOutcome; deny?: boolean }) {
  await expect(page).toHaveURL(new RegExp(`^${e2eEnv.SANDBOX_BANK_URL}/`));
  await page.getByLabel("Username").fill(login);
  await page.getByRole("group", { name: "Outcome" }).getByLabel(outcome).check();
  await page.getByRole("button", { name: deny ? "Deny" : "Continue" }).click();
}

/** From /connections: Connect on the Sandbox Bank card, then consent at the bank. */
export async function connectSandboxBank(page: Page, options: { login: string; outcome?: BankOutcome; deny?: boolean; alias?: string }) {
  await page.goto("/connections");
  const card = page.getByRole("form", { name: "Connect Sandbox Bank" });
  if (options.alias) await card.getByLabel(/Name for this connection/).fill(options.alias);
  await card.getByRole("button", { name: "Connect" }).click();
  await consentAtBank(page, options);
  await expect(page).toHaveURL(/\/connections\?/);
}
