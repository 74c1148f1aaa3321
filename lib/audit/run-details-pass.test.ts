import { describe, expect, it } from "vitest";

import { uuidv7 } from "../db/uuid-v7";
import { checkRunDetailsPass, RUN_DETAILS_PASS_HOURS, runDetailsPass } from "./run-details-pass";

const viewedAt = Date.UTC(2026, 11, 7, 10, 0, 0);
const forRun = { viewId: uuidv7(viewedAt), adminId: "admin-1", correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e60" };
const pass = runDetailsPass(forRun);

describe("a pass to open a run of a recorded view", () => {
  it("opens that run, for that admin, from that view, for the hours it lasts", () => {
    expect(checkRunDetailsPass({ ...forRun, pass, now: new Date(viewedAt + 1_000) })).toBe("valid");
    expect(checkRunDetailsPass({ ...forRun, pass, now: new Date(viewedAt + RUN_DETAILS_PASS_HOURS * 3_600_000) })).toBe("valid");
    expect(checkRunDetailsPass({ ...forRun, pass, now: new Date(viewedAt + RUN_DETAILS_PASS_HOURS * 3_600_000 + 1) })).toBe("expired");
  });

  it("opens from the moment the view was recorded, not before (a view id from the future does not stretch its hours)", () => {
    expect(checkRunDetailsPass({ ...forRun, pass, now: new Date(viewedAt) })).toBe("valid");
    expect(checkRunDetailsPass({ ...forRun, pass, now: new Date(viewedAt - 1) })).toBe("expired");
    expect(checkRunDetailsPass({ ...forRun, pass, now: new Date(viewedAt - 3_600_000) })).toBe("expired");
  });

  it("opens nothing else: another run, another admin, another view, or an altered pass", () => {
    const now = new Date(viewedAt + 1_000);
    expect(checkRunDetailsPass({ ...forRun, correlationId: "0192f0c5-3c8e-7c4a-9e5b-0a1b2c3d4e61", pass, now })).toBe("forged");
    expect(checkRunDetailsPass({ ...forRun, adminId: "admin-2", pass, now })).toBe("forged");
    expect(checkRunDetailsPass({ ...forRun, viewId: uuidv7(viewedAt), pass, now })).toBe("forged");
    expect(checkRunDetailsPass({ ...forRun, pass: `${pass.slice(0, -1)}${pass.endsWith("A") ? "B" : "A"}`, now })).toBe("forged");
    expect(checkRunDetailsPass({ ...forRun, pass: "", now })).toBe("forged");
  });
});
