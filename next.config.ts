import type { NextConfig } from "next";

const nextConfig: NextConfig = {
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
