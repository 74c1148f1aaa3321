import type { NextConfig } from "next";

/**
 * Files no production function may carry (Vercel, `output: "standalone"`); `next dev` and
 * `next start` in this folder still load them from node_modules. Why each is safe to drop:
 * - PGlite (20 MB of WASM and extensions): the embedded database of development and tests;
 *   production requires DATABASE_URL and never reaches the import (lib/db/client.ts).
 * - prettier: @react-email/render imports it only to pretty-print (`pretty: true`), which
 *   lib/email never asks for.
 * - the test folders, examples and READMEs of pino's helpers, traced whole because pino
 *   resolves its worker files at run time.
 * The Sandbox Bank (oidc-provider), the React Email preview and the SMTP test tools are not
 * listed: nothing a function imports reaches them, and `npm run build:traces` fails the
 * build check if one ever shows up (see docs/DESIGN.md §7).
 */
const developmentOnlyFiles = [
  "node_modules/@electric-sql/pglite/**",
  "node_modules/prettier/**",
  "node_modules/{thread-stream,sonic-boom,pino,pino-std-serializers}/{test,tests,bench,benchmarks,docs,examples}/**",
  "node_modules/{thread-stream,sonic-boom}/{example.js,README.md,types/tests/**}",
];

const nextConfig: NextConfig = {
  outputFileTracingExcludes: { "*": developmentOnlyFiles },
  // Bundling PGlite (WASM + data files) breaks it; pino's worker files too. Load them from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "oidc-provider"],
  // The e2e suite runs its own dev server beside a developer's: separate build folders.
  // (Read here rather than via lib/env.ts: the config is evaluated before the app exists.)
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.next.json" },
  // The development request log prints query strings: keep OAuth codes and magic-link
  // tokens out of it (no credential in any log line).
  logging: { incomingRequests: { ignore: [/\/connections\/callback\//, /\/api\/auth\/callback\//] } },
  typedRoutes: false,
};

export default nextConfig;
