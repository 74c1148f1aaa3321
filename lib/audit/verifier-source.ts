import { readFile } from "node:fs/promises";
import path from "node:path";

export const VERIFIER_FILENAME = "ledgerlink-audit-verifier.mjs";

/**
 * The downloadable verifier's text: the module file itself, read from the project (next.config.ts
 * traces it into the route's deployment bundle), so what is downloaded is what the app runs.
 */
export async function readVerifierSource(): Promise<string> {
  return readFile(path.join(process.cwd(), "lib", "audit", "offline-verifier.mjs"), "utf8");
}
