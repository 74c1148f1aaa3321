/**
 * `npm run audit:verify`: checks the audit trail; exits 0 when it holds, 1 naming the first bad
 * line or row.
 *
 *   npm run audit:verify                                   walk the live chain, check the newest checkpoint
 *   npm run audit:verify -- --file export.ndjson [--public-key kid:base64[,…] | keys.json]
 *                                                          an export, with no database (keys default to AUDIT_SIGNING_KEYS)
 *   npm run audit:verify -- --checkpoint '<json>'          the live chain against a checkpoint taken earlier
 *                                                          (e.g. the `auditCheckpoint` of a log line; the whole line works too)
 *   npm run audit:verify -- --file F --checkpoint '<json>' the file must also hold that checkpoint's row with its hash
 *
 * The file check is lib/audit/offline-verifier.mjs, the same file admins download.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import type { AuditChainVerification } from "../lib/audit/verify-chain";
import { parseCheckpointArg, parsePublicKeys, reportExport, verifyExport } from "../lib/audit/offline-verifier.mjs";

const { values: args } = parseArgs({
  options: {
    file: { type: "string" },
    "public-key": { type: "string", multiple: true },
    checkpoint: { type: "string" },
  },
});

async function main(): Promise<number> {
  if (args.file) return verifyFile(args.file);
  const { closeDb } = await import("../lib/db/client");
  try {
    return args.checkpoint ? await verifyAgainstCheckpoint(args.checkpoint) : await verifyLive();
  } finally {
    await closeDb();
  }
}

async function verifyFile(file: string): Promise<number> {
  let publicKeys: Map<string, string>;
  if (args["public-key"]?.length) {
    publicKeys = parsePublicKeys(args["public-key"]);
  } else {
    const { auditPublicKeys } = await import("../lib/audit/checkpoints/sign-checkpoint");
    publicKeys = auditPublicKeys();
  }
  const expect = args.checkpoint ? parseCheckpointArg(args.checkpoint) : undefined;
  return reportExport(file, verifyExport(readFileSync(file, "utf8"), { publicKeys, expect }));
}

async function verifyAgainstCheckpoint(text: string): Promise<number> {
  const checkpoint = parseCheckpointArg(text);
  const { checkCheckpointSignature } = await import("../lib/audit/checkpoints/sign-checkpoint");
  const signature = checkCheckpointSignature(checkpoint);
  if (!signature.ok) {
    console.error(JSON.stringify({ ok: false, checkpoint, problem: signature.problem }));
    console.error(`checkpoint of row #${checkpoint.seq} (${checkpoint.at}) not trusted: ${signature.problem}`);
    return 1;
  }
  const { verifyAuditChain } = await import("../lib/audit/verify-chain");
  return report(await verifyAuditChain({ expect: checkpoint }), `checkpoint of row #${checkpoint.seq} at ${checkpoint.at} holds`);
}

async function verifyLive(): Promise<number> {
  const { verifyAuditChain } = await import("../lib/audit/verify-chain");
  const { checkNewestCheckpoint } = await import("../lib/audit/chain-status");
  const { getDb } = await import("../lib/db/client");
  const result = await verifyAuditChain();
  const checkpoint = await checkNewestCheckpoint(await getDb());
  if (result.ok && checkpoint.status === "broken") {
    return report({ ok: false, rows: result.rows, firstBadSeq: checkpoint.firstBadSeq, eventId: null, reason: checkpoint.reason }, "");
  }
  return report(result, checkpoint.status === "matches" ? `newest checkpoint (row #${checkpoint.checkpoint.seq}) holds` : "no checkpoint yet");
}

function report(result: AuditChainVerification, okText: string): number {
  if (result.ok) {
    console.log(JSON.stringify(result));
    console.log(`${result.rows} rows re-hashed; ${okText}`);
    return 0;
  }
  console.error(JSON.stringify(result));
  console.error(`audit chain broken at seq ${result.firstBadSeq}${result.eventId ? ` (event ${result.eventId})` : ""}: ${result.reason}`);
  return 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
