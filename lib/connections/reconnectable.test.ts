import { describe, expect, test } from "vitest";

import type { ProviderConnection } from "../db/schema";
import { env } from "../env";
import { isReconnectable } from "./reconnectable";

const now = new Date("2026-12-07T12:00:00.000Z");
const warningMs = env.REAUTH_WARNING_HOURS * 3600 * 1000;
const at = (msFromNow: number) => new Date(now.getTime() + msFromNow);
const connection = (status: ProviderConnection["status"], refreshTokenExpiresAt: Date | null = null) => ({ status, refreshTokenExpiresAt });

describe("isReconnectable", () => {
  test("a connection that needs the user, or whose first connect never finished, may be connected again", () => {
    for (const status of ["expired", "revoked", "failed", "pending"] as const) {
      expect(isReconnectable(connection(status), now), status).toBe(true);
    }
  });

  test("a disconnected one may not: it is connected anew from Add a connection", () => {
    expect(isReconnectable(connection("disconnected", at(60_000)), now)).toBe(false);
  });

  test("an active one only once its consent ends within the warning window, the boundary included", () => {
    expect(isReconnectable(connection("active"), now)).toBe(false);
    expect(isReconnectable(connection("active", at(warningMs + 1)), now)).toBe(false);
    expect(isReconnectable(connection("active", at(warningMs)), now)).toBe(true);
    expect(isReconnectable(connection("active", at(60_000)), now)).toBe(true);
    // Already past its end: the next refresh will fail; reconnecting now avoids it.
    expect(isReconnectable(connection("active", at(-60_000)), now)).toBe(true);
  });

  test("the window is measured from `now`, not from the clock", () => {
    const later = new Date(now.getTime() + 10 * warningMs);
    expect(isReconnectable(connection("active", at(warningMs)), later)).toBe(true);
    expect(isReconnectable(connection("active", at(20 * warningMs)), later)).toBe(false);
  });
});
