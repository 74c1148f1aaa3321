import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { readVerifierSource, VERIFIER_FILENAME } from "./verifier-source";

describe("the downloadable verifier", () => {
  it("is the module the app verifies with, byte for byte", async () => {
    const source = await readVerifierSource();
    expect(source).toBe(readFileSync(new URL("./offline-verifier.mjs", import.meta.url), "utf8"));
    expect(source).toContain("export function computeAuditHash");
  });

  it("downloads under a name that says what it is and runs as an ES module", () => {
    expect(VERIFIER_FILENAME).toBe("ledgerlink-audit-verifier.mjs");
  });
});
