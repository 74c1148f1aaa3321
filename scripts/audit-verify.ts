/**
 * `npm run audit:verify`: walks the audit hash chain and prints the result as JSON.
 * Exits 1 and names the first bad row when the chain is broken.
 */
import { verifyAuditChain } from "../lib/audit/verify-chain";
import { closeDb } from "../lib/db/client";

try {
  const started = performance.now();
  const result = await verifyAuditChain();
  const ms = Math.round(performance.now() - started);
  if (result.ok) {
    console.log(JSON.stringify({ ...result, ms }));
  } else {
    console.error(JSON.stringify({ ...result, ms }));
    console.error(`audit chain broken at seq ${result.firstBadSeq} (event ${result.eventId}): ${result.reason}`);
    process.exitCode = 1;
  }
} finally {
  await closeDb();
}
