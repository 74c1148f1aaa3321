import { readVerifierSource, VERIFIER_FILENAME } from "@/lib/audit/verifier-source";
import { requireAdmin } from "@/lib/auth/guards";
import { withRequestContext } from "@/lib/http/with-request-context";

/**
 * `GET /admin/audit/verifier.mjs` (admins; 404 for everyone else): the single-file export
 * verifier (lib/audit/offline-verifier.mjs, the very module the app verifies with). It needs
 * only Node.js: `node ledgerlink-audit-verifier.mjs export.ndjson --public-key keys.json`.
 */
export const GET = withRequestContext(async () => {
  await requireAdmin();
  return new Response(await readVerifierSource(), {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "content-disposition": `attachment; filename="${VERIFIER_FILENAME}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
