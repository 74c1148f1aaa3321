import { describe, expect, test } from "vitest";

import { postgresTarget } from "./pooler";

describe("postgresTarget", () => {
  test("a direct URL keeps prepared statements and is passed on unchanged", () => {
    const url = "postgres://app:s%40cret@db.example.com:5432/ledgerlink?sslmode=require";
    expect(postgresTarget(url)).toEqual({ url, pooler: "none", prepare: true, reason: expect.stringContaining("direct") });
  });

  test("pgbouncer=true turns prepared statements off and is not sent to the server", () => {
    const target = postgresTarget("postgres://app@127.0.0.1:6432/ledgerlink?pgbouncer=true&sslmode=disable");
    expect(target).toMatchObject({ pooler: "transaction", prepare: false });
    expect(target.url).toBe("postgres://app@127.0.0.1:6432/ledgerlink?sslmode=disable");
  });

  test("Neon's -pooler host and Supabase's port 6543 are transaction poolers; Supabase's 5432 is not", () => {
    expect(postgresTarget("postgres://u:p@ep-cool-rain-123456-pooler.us-east-2.aws.neon.tech/neondb").prepare).toBe(false);
    expect(postgresTarget("postgres://u:p@ep-cool-rain-123456.us-east-2.aws.neon.tech/neondb").prepare).toBe(true);
    expect(postgresTarget("postgres://u.ref:p@aws-0-eu-west-1.pooler.supabase.com:6543/postgres").prepare).toBe(false);
    expect(postgresTarget("postgres://u.ref:p@aws-0-eu-west-1.pooler.supabase.com:5432/postgres").prepare).toBe(true);
  });

  test("DATABASE_POOLER overrides detection both ways", () => {
    expect(postgresTarget("postgres://app@proxy.internal:5432/db", "transaction")).toMatchObject({ prepare: false, reason: "DATABASE_POOLER=transaction" });
    const forced = postgresTarget("postgres://app@127.0.0.1:6432/db?pgbouncer=true", "none");
    expect(forced).toMatchObject({ prepare: true, url: "postgres://app@127.0.0.1:6432/db" });
  });
});
