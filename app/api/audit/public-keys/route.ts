import { auditPublicKeys } from "@/lib/audit/checkpoints/sign-checkpoint";
import { withRequestContext } from "@/lib/http/with-request-context";

/**
 * `GET /api/audit/public-keys` (public): the Ed25519 keys that verify audit checkpoints, the
 * signing key first. An auditor checks an export's checkpoint with these and nothing else.
 */
export const GET = withRequestContext(async () =>
  Response.json(
    { keys: [...auditPublicKeys()].map(([keyId, publicKey]) => ({ keyId, algorithm: "Ed25519", publicKey })) },
    { headers: { "cache-control": "public, max-age=300" } },
  ),
);
