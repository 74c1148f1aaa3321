/**
 * The schemas are built when the module loads. Each test loads its own instance of the module
 * (a distinct `?instance=` import; its dependencies stay shared), so a schema broken at load
 * time fails the tests rather than the file's import, and per-test coverage in a mutation run
 * counts these tests as covering the schema definitions (README, "Mutation testing").
 */
import { describe, expect, it } from "vitest";

// Also imported statically: `vitest --related` (how mutation runs pick test files) follows
// static imports only.
import "./audit-metadata";

import { sampleAuditLog } from "@/test/support/audit-row";

import type { AuditLog } from "../db/schema";

let instances = 0;
function load() {
  instances += 1;
  return import(/* @vite-ignore */ `./audit-metadata.ts?instance=${instances}`) as Promise<typeof import("./audit-metadata")>;
}

const common = { providerName: "Acme Bank", requestId: "req-1" };

/** A row as the database returns it, with metadata every action accepts. */
function row(overrides: Partial<AuditLog> = {}): AuditLog {
  return sampleAuditLog({ metadata: { ...common }, ...overrides });
}

describe("audit metadata", () => {
  it("has a schema for each of the nine events' actions and the four audit-access ones, on four workflows", async () => {
    const { AUDIT_METADATA_SCHEMAS, RECORDED_AUDIT_ACTIONS, RECORDED_WORKFLOWS } = await load();
    expect(Object.keys(AUDIT_METADATA_SCHEMAS).sort()).toEqual([...RECORDED_AUDIT_ACTIONS].sort());
    expect(RECORDED_AUDIT_ACTIONS).toHaveLength(13);
    expect(RECORDED_WORKFLOWS).toEqual(["connect", "disconnect", "refresh", "admin"]);
  });

  it("keeps provider name and request id, and nothing else, on a plain event row", async () => {
    const { parseAuditMetadata } = await load();
    expect(parseAuditMetadata("provider_connected", common)).toEqual(common);
    expect(parseAuditMetadata("provider_token_refreshed", { ...common, requestId: null })).toEqual({ ...common, requestId: null });
    for (const extra of [{ accessToken: "at-secret" }, { refreshToken: "rt-secret" }, { reasonText: "Something." }]) {
      expect(() => parseAuditMetadata("provider_connected", { ...common, ...extra }), Object.keys(extra)[0]).toThrow();
    }
    expect(() => parseAuditMetadata("provider_connected", { providerName: "Acme Bank" })).toThrow();
    expect(() => parseAuditMetadata("provider_connected", { requestId: null })).toThrow();
    expect(() => parseAuditMetadata("provider_connected", { ...common, providerName: "" })).toThrow();
  });

  it("requires the reason text on failure rows", async () => {
    const { parseAuditMetadata } = await load();
    for (const action of ["provider_connection_failed", "provider_disconnection_failed", "provider_token_refresh_failed"] as const) {
      expect(parseAuditMetadata(action, { ...common, reasonText: "The bank refused." })).toEqual({ ...common, reasonText: "The bank refused." });
      expect(() => parseAuditMetadata(action, common), action).toThrow();
      expect(() => parseAuditMetadata(action, { ...common, reasonText: "" }), action).toThrow();
    }
  });

  it("keeps a request id of up to 200 characters and refuses a longer one", async () => {
    const { parseAuditMetadata } = await load();
    expect(parseAuditMetadata("provider_connection_attempted", { ...common, requestId: "r" }).requestId).toBe("r");
    expect(parseAuditMetadata("provider_connection_attempted", { ...common, requestId: "r".repeat(200) }).requestId).toHaveLength(200);
    expect(() => parseAuditMetadata("provider_connection_attempted", { ...common, requestId: "r".repeat(201) })).toThrow();
  });

  it("records each revocation outcome of a disconnection, or none on older rows, and refuses any other", async () => {
    const { parseAuditMetadata } = await load();
    for (const revocationOutcome of ["revoked", "unsupported", "failed", "no_credentials"]) {
      expect(parseAuditMetadata("provider_disconnected", { ...common, revocationOutcome })).toEqual({ ...common, revocationOutcome });
    }
    expect(parseAuditMetadata("provider_disconnected", common)).toEqual(common);
    expect(() => parseAuditMetadata("provider_disconnected", { ...common, revocationOutcome: "maybe" })).toThrow();
  });
});

describe("readAuditLog", () => {
  it("returns the row with its action, workflow, actor type and metadata checked", async () => {
    const { readAuditLog } = await load();
    expect(readAuditLog(row())).toEqual(row());
    expect(readAuditLog(row({ actorType: "system", actorUserId: null }))).toMatchObject({ actorType: "system", actorUserId: null });
    expect(readAuditLog(row({ action: "provider_disconnected", workflow: "disconnect", metadata: { ...common, revocationOutcome: "failed" } })))
      .toMatchObject({ action: "provider_disconnected", workflow: "disconnect", metadata: { revocationOutcome: "failed" } });
    const access = row({ action: "operations_viewed", workflow: "admin", metadata: { requestId: null } });
    expect(readAuditLog(access)).toMatchObject({ action: "operations_viewed", workflow: "admin", metadata: { requestId: null } });
  });

  it("refuses a row whose action, workflow or actor type is unknown", async () => {
    const { readAuditLog } = await load();
    expect(() => readAuditLog(row({ action: "provider_exploded" }))).toThrow();
    expect(() => readAuditLog(row({ workflow: "teleport" }))).toThrow();
    expect(() => readAuditLog(row({ actorType: "admin" }))).toThrow();
    expect(() => readAuditLog(row({ actorType: "" }))).toThrow();
  });

  it("checks the metadata against the row's own action", async () => {
    const { readAuditLog } = await load();
    // Valid for a connection, but a failure row must say why.
    expect(() => readAuditLog(row({ action: "provider_connection_failed", metadata: common }))).toThrow();
    expect(() => readAuditLog(row({ metadata: { ...common, accessToken: "at-secret" } }))).toThrow();
  });
});
