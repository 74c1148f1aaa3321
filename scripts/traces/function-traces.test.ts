import { describe, expect, test } from "vitest";

import { packageOf, sizeByPackage } from "./function-traces";

describe("packageOf", () => {
  const root = "/app";
  test("names the package of a traced file by its last node_modules segment, scoped or not", () => {
    expect(packageOf("/app/node_modules/@electric-sql/pglite/dist/postgres.wasm", root)).toBe("@electric-sql/pglite");
    expect(packageOf("/app/node_modules/next/dist/server/next-server.js", root)).toBe("next");
    expect(packageOf("/app/node_modules/pino/node_modules/thread-stream/index.js", root)).toBe("thread-stream");
  });

  test("groups the app's own files and the build output by top folder", () => {
    expect(packageOf("/app/.next/server/chunks/ssr/x.js", root)).toBe("(app) .next");
    expect(packageOf("/app/drizzle/0001_init.sql", root)).toBe("(app) drizzle");
  });

  test("sizeByPackage sums per package, largest first", () => {
    const files = [
      { file: "/app/node_modules/next/a.js", bytes: 10 },
      { file: "/app/node_modules/pino/a.js", bytes: 30 },
      { file: "/app/node_modules/next/b.js", bytes: 25 },
    ];
    expect(sizeByPackage(files, root)).toEqual([
      { name: "next", bytes: 35 },
      { name: "pino", bytes: 30 },
    ]);
  });
});
