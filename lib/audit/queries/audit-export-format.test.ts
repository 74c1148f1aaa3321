import { describe, expect, it } from "vitest";

import { checkpointLine, contentDisposition, CSV_HEADER, csvCell, csvLine, exportFilename, exportResponse, ndjsonLine, type ExportRecord } from "./audit-export-format";

const record: ExportRecord = {
  eventId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e5f",
  correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e60",
  action: "provider_token_refresh_failed",
  outcome: "failed",
  occurredAt: "2026-11-27T10:00:00.123Z",
  userId: "user-1",
  providerSlug: "acme-bank",
  connectionId: null,
  reason: "provider_revoked",
  needsUserAction: true,
  ipAddress: "203.0.113.9",
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) "Firefox", v1',
  seq: 42,
  eventType: "ProviderTokenRefreshFailed",
  workflow: "refresh",
  actorType: "system",
  actorUserId: null,
  providerId: "acme-bank",
  recordedAt: "2026-11-27T10:00:00.456Z",
  metadata: { requestId: null, providerName: "Acme Bank", reasonText: "Revoked, by the bank." },
  prevHash: "a".repeat(64),
  hash: "b".repeat(64),
};

describe("CSV cells", () => {
  it("quote and double quotes when a value holds a quote, comma or line break", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(false)).toBe("false");
  });

  it("never let a spreadsheet run a cell as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\")")).toBe("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("export lines", () => {
  it("CSV has DESIGN.md §5's columns in order, one CRLF-terminated line per record", () => {
    expect(CSV_HEADER).toBe(
      "eventId,correlationId,action,outcome,occurredAt,userId,providerSlug,connectionId,reason,needsUserAction,ipAddress,userAgent," +
        "seq,eventType,workflow,actorType,actorUserId,providerId,recordedAt,metadata,prevHash,hash\r\n",
    );
    expect(csvLine(record)).toBe(
      `${record.eventId},${record.correlationId},provider_token_refresh_failed,failed,2026-11-27T10:00:00.123Z,user-1,acme-bank,,provider_revoked,true,203.0.113.9,"Mozilla/5.0 (X11; Linux x86_64) ""Firefox"", v1",` +
        `42,ProviderTokenRefreshFailed,refresh,system,,acme-bank,2026-11-27T10:00:00.456Z,"{""providerName"":""Acme Bank"",""reasonText"":""Revoked, by the bank."",""requestId"":null}",${"a".repeat(64)},${"b".repeat(64)}\r\n`,
    );
  });

  it("NDJSON is one JSON object per line with the same keys in the same order, nulls kept", () => {
    const line = ndjsonLine({ ...record, userAgent: "x\ny" });
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(CSV_HEADER.trim().split(","));
    expect(parsed).toMatchObject({ connectionId: null, needsUserAction: true, userAgent: "x\ny" });
  });
});

describe("the export's file name", () => {
  const at = new Date("2026-11-27T10:04:59.999Z");

  it("says what the file holds: the filters, the range and when it was made", () => {
    expect(exportFilename({}, "csv", at)).toBe("ledgerlink-audit_all-workflows_all-time_exported-20261127T1004Z.csv");
    expect(
      exportFilename(
        { workflow: "refresh", outcome: "failed", reason: "provider_revoked", provider: "acme-bank", user: "ada@example.com", from: "2026-10-01", to: "2026-10-31" },
        "ndjson",
        at,
      ),
    ).toBe("ledgerlink-audit_refresh_failed_provider-revoked_acme-bank_user-ada-at-example.com_2026-10-01_to_2026-10-31_exported-20261127T1004Z.ndjson");
    expect(exportFilename({ outcome: "attempted", from: "2026-10-01" }, "csv", at)).toContain("_no-outcome_2026-10-01_to_now_");
  });

  it("names one run's export by its correlation id, the start of a range alone, and cleans up a provider or user", () => {
    expect(exportFilename({ correlation: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e60" }, "ndjson", at)).toBe(
      "ledgerlink-audit_all-workflows_run-0192f0c5_all-time_exported-20261127T1004Z.ndjson",
    );
    expect(exportFilename({ to: "2026-10-31" }, "csv", at)).toContain("_start_to_2026-10-31_");
    expect(exportFilename({ provider: "--Acme  Bank!!--" }, "csv", at)).toContain("_acme-bank_");
    expect(exportFilename({ user: "Ada.Lovelace+x@Example.COM" }, "csv", at)).toContain("_user-ada.lovelace-x-at-example.com_");
    // The stamp is to the minute whatever the milliseconds.
    expect(exportFilename({}, "csv", new Date("2026-11-27T10:04:00.000Z"))).toContain("_exported-20261127T1004Z.csv");
  });

  it("goes into an attachment header safely", () => {
    expect(contentDisposition("ledgerlink-audit_all.csv")).toBe(`attachment; filename="ledgerlink-audit_all.csv"; filename*=UTF-8''ledgerlink-audit_all.csv`);
    expect(contentDisposition('a"b\\c.csv')).toContain('filename="a_b_c.csv"');
    // A character outside printable ASCII keeps its place as "_" in the plain name, and itself in the RFC 5987 one.
    expect(contentDisposition("caf\u00e9.csv")).toBe(`attachment; filename="caf_.csv"; filename*=UTF-8''caf%C3%A9.csv`);
  });

  it("is a download that is never cached or sniffed", () => {
    const response = exportResponse(new ReadableStream(), "ndjson", "x.ndjson");
    expect(Object.fromEntries(response.headers)).toEqual({
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": contentDisposition("x.ndjson"),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
  });

  it("ends an NDJSON export with its checkpoint, in a fixed key order", () => {
    const line = checkpointLine({ type: "checkpoint", seq: 9, hash: "ab", at: "2026-11-27T10:04:00.000Z", keyId: "k1", signature: "sig", scope: "full" });
    expect(line).toBe('{"type":"checkpoint","seq":9,"hash":"ab","at":"2026-11-27T10:04:00.000Z","keyId":"k1","signature":"sig","scope":"full"}\n');
  });
});
