/**
 * The audit hash chain: `hash = SHA-256(prevHash + "\n" + canonical JSON of the row)`, hex.
 * The first row's `prevHash` is 64 zeros. Canonical JSON sorts object keys and writes dates
 * as ISO strings, so a row hashes the same when it is written and when it is read back
 * (jsonb reorders keys; drivers return timestamps differently). Specified in
 * docs/AUDIT-FORMAT.md; implemented once, in the downloadable verifier (offline-verifier.mjs),
 * which the app imports, so the app and an auditor run the same code.
 */
export {
  auditHashContent,
  canonicalJson,
  computeAuditHash,
  GENESIS_HASH,
  HASHED_FIELDS,
  type HashedContent,
  type HashedField,
} from "./offline-verifier.mjs";
