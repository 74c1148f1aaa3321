import { execFileSync } from "node:child_process";

import { expect, type Download, type Page } from "@playwright/test";

import { e2eEnv } from "../support/e2e-env";
import type { PastRunSpec } from "./write-past-runs";

/** Past runs for `email`, written through the app's audit writer (see write-past-runs.ts). */
export function writePastRuns(email: string, runs: PastRunSpec[]): string[] {
  const output = execFileSync("npx", ["tsx", "e2e/admin/write-past-runs.ts", JSON.stringify({ email, runs })], {
    env: { ...process.env, ...e2eEnv },
    encoding: "utf8",
  });
  return JSON.parse(output.trim().split("\n").at(-1)!) as string[];
}

/** From /connections: Connect on the Sandbox Bank card, then Continue (or Deny) at the bank's consent page. */
export async function connectAtSandboxBank(page: Page, { login, deny = false }: { login: string; deny?: boolean }) {
  await page.goto("/connections");
  await page.getByRole("form", { name: "Connect Sandbox Bank" }).getByRole("button", { name: "Connect" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2eEnv.SANDBOX_BANK_URL}/`));
  await page.getByLabel("Username").fill(login);
  await page.getByRole("group", { name: "Outcome" }).getByLabel("Approve (normal tokens)").check();
  await page.getByRole("button", { name: deny ? "Deny" : "Continue" }).click();
  await expect(page).toHaveURL(/\/connections\?/);
}

/** The correlation ids of the runs listed on the page, in order. */
export async function listedRuns(page: Page): Promise<string[]> {
  return page.locator("[data-correlation-id]").evaluateAll((items) => items.map((item) => item.getAttribute("data-correlation-id")!));
}

export async function downloadText(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** RFC 4180 CSV into records keyed by the header (enough for the export's own output). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== "," && c !== "\n")) {
      cell += c;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
    } else {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    }
  }
  const [header, ...records] = rows;
  return records.map((r) => Object.fromEntries(header!.map((name, i) => [name, r[i] ?? ""])));
}
