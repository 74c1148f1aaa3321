import type { NextConfig } from "next";

/**
 * Files no production function needs, left out of their traces (Vercel, `output:
 * "standalone"`); `next dev` and `next start` in this folder still find them in node_modules.
 * - prettier: @react-email/render imports it only to pretty-print (`pretty: true`), which
 *   lib/email never asks for.
 * - the test folders, examples and READMEs of pino's helpers, traced whole because pino
 *   resolves its worker files at run time.
 * Next applies these to route traces only, not to instrumentation's (which Vercel adds to
 * every function): PGlite is kept out by its import instead (lib/db/client.ts). The Sandbox
 * Bank (oidc-provider), the React Email preview and the SMTP test tools are not listed:
 * nothing a function imports reaches them, and `npm run build:traces` fails if one ever
 * shows up (docs/DESIGN.md §7).
 */
const productionTraceExcludes = [
  "node_modules/prettier/**",
  "node_modules/{thread-stream,sonic-boom,pino,pino-std-serializers}/{test,tests,bench,benchmarks,docs,examples}/**",
  "node_modules/{thread-stream,sonic-boom}/{example.js,README.md,types/tests/**}",
];

const nextConfig: NextConfig = {
  outputFileTracingExcludes: { "*": productionTraceExcludes },
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
  // The downloadable audit verifier is served from its source file (lib/audit/verifier-source.ts).
  outputFileTracingIncludes: { "/admin/audit/verifier.mjs": ["./lib/audit/offline-verifier.mjs"] },
};

export default nextConfig;
