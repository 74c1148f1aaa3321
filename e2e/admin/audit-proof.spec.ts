import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect, test } from "@playwright/test";

import { e2eAdminEmail } from "../support/e2e-env";
import { signIn, uniqueEmail } from "../support/sign-in";

/** Runs the downloaded verifier with plain Node.js, as an auditor would; returns its exit code and output. */
function runVerifier(dir: string, file: string): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [path.join(dir, "verifier.mjs"), file, "--public-key", path.join(dir, "keys.json")], { cwd: dir, encoding: "utf8", stdio: "pipe" });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, output: `${failed.stdout}${failed.stderr}` };
  }
}

test("an admin exports the whole log and it verifies offline with the downloaded verifier and the public keys", async ({ browser }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "ledgerlink-audit-proof-"));
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, e2eAdminEmail, { returnTo: "/admin/audit" });
    const badge = page.getByRole("status").filter({ hasText: "Hash chain verified" });
    await expect(badge).toContainText(/re-hashed from the first at/);

    const exported = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export NDJSON" }).click();
    await (await exported).saveAs(path.join(dir, "export.ndjson"));
    const verifier = page.waitForEvent("download");
    await page.getByRole("link", { name: "verifier" }).click();
    await (await verifier).saveAs(path.join(dir, "verifier.mjs"));
    // Public: fetched without the admin's session.
    const keys = await (await fetch(new URL("/api/audit/public-keys", page.url()))).json();
    expect(keys.keys[0]).toMatchObject({ algorithm: "Ed25519", keyId: expect.any(String), publicKey: expect.any(String) });
    writeFileSync(path.join(dir, "keys.json"), JSON.stringify(keys));
    await context.close();

    const ok = runVerifier(dir, "export.ndjson");
    expect(ok.output).toMatch(/rows verified \(full export\)/);
    expect(ok.code).toBe(0);

    // One edited line is named.
    const lines = readFileSync(path.join(dir, "export.ndjson"), "utf8").split("\n");
    const victim = lines.findIndex((l) => l.includes('"action":"audit_log_exported"'));
    lines[victim] = lines[victim]!.replace('"outcome":"succeeded"', '"outcome":"failed"');
    writeFileSync(path.join(dir, "edited.ndjson"), lines.join("\n"));
    const edited = runVerifier(dir, "edited.ndjson");
    expect(edited.code).toBe(1);
    expect(edited.output).toContain(`line ${victim + 1}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the verifier download is for admins only", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, uniqueEmail("not-admin"));
  const response = await page.request.get("/admin/audit/verifier.mjs");
  expect(response.status()).toBe(404);
  await context.close();
});
