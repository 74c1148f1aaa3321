// Ledgerlink audit export verifier: one file, Node.js >= 18, only Node's built-in modules.
//
//   node ledgerlink-audit-verifier.mjs export.ndjson --public-key <kid:base64>[,<kid:base64>…]
//   node ledgerlink-audit-verifier.mjs export.ndjson --public-key keys.json   (GET /api/audit/public-keys)
//
// Checks every line of an NDJSON audit export without any database: each row's SHA-256 hash,
// the chain between rows, and the Ed25519 signature of the checkpoint on the last line. Exits 0
// when everything holds, 1 naming the first bad line otherwise. The format is specified in the
// project's docs/AUDIT-FORMAT.md; this file is also the app's own implementation of it (the app
// imports it), so what an auditor runs is what the app runs.
import * as nodeCrypto from "node:crypto";
import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The previous hash of the first row. */
export const GENESIS_HASH = "0".repeat(64);

/** Every column a row's hash covers, in canonical (sorted) order. */
export const HASHED_FIELDS = Object.freeze(/** @type {const} */ ([
  "action",
  "actorType",
  "actorUserId",
  "connectionId",
  "correlationId",
  "eventId",
  "eventType",
  "ipAddress",
  "metadata",
  "needsUserAction",
  "occurredAt",
  "outcome",
  "providerId",
  "providerSlug",
  "reason",
  "recordedAt",
  "userAgent",
  "userId",
  "workflow",
]));

// The types, for the app's TypeScript (this file stays plain JavaScript, to be downloaded and run alone).
/** @typedef {(typeof HASHED_FIELDS)[number]} HashedField */
/** @typedef {Record<HashedField, unknown>} HashedContent */
/**
 * @typedef {object} SignedCheckpoint
 * @property {number} seq
 * @property {string} hash
 * @property {string} at ISO 8601 UTC with milliseconds.
 * @property {string} keyId
 * @property {string} signature Ed25519 over checkpointMessage(), base64.
 */
/**
 * @typedef {{ ok: true, rows: number, scope: "full" | "filtered", checkpoint: SignedCheckpoint & { type: "checkpoint", scope?: string } }
 *   | { ok: false, line: number, seq?: number, problem: string, rows: number }} ExportVerification
 */

const TIMESTAMP_FIELDS = new Set(["occurredAt", "recordedAt"]);
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * JSON with object keys sorted by UTF-16 code units, no whitespace, dates as ISO strings, undefined keys dropped.
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    // sort() without a comparator orders strings by UTF-16 code units, as the format says.
    const keys = Object.keys(value).sort();
    let text = "";
    for (const key of keys) {
      const v = value[key];
      if (v === undefined) continue;
      text += `${text ? "," : ""}${JSON.stringify(key)}:${canonicalJson(v)}`;
    }
    return `{${text}}`;
  }
  return JSON.stringify(value);
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// `"key":` for each hashed field, in canonical order: the content is built straight into text.
const KEY_PREFIXES = HASHED_FIELDS.map((field, i) => `${i === 0 ? "{" : ","}${JSON.stringify(field)}:`);

function canonicalTimestamp(value) {
  if (typeof value === "string" && ISO_MS.test(value)) return `"${value}"`;
  return JSON.stringify(new Date(value).toISOString());
}

/**
 * The canonical text a row's hash covers: canonical JSON of an object holding exactly the hashed
 * fields (missing ones as null), timestamps as ISO 8601 UTC with milliseconds. Equal to
 * `canonicalJson({...the hashed fields})`, written out directly because the chain walk runs it
 * on every row.
 * @param {HashedContent} row
 * @returns {string}
 */
export function auditHashContent(row) {
  let text = "";
  for (let i = 0; i < HASHED_FIELDS.length; i++) {
    const field = HASHED_FIELDS[i];
    const value = row[field] ?? null;
    text += KEY_PREFIXES[i];
    if (value === null) text += "null";
    else if (TIMESTAMP_FIELDS.has(field)) text += canonicalTimestamp(value);
    else if (typeof value === "string") text += JSON.stringify(value);
    else text += canonicalJson(value);
  }
  return `${text}}`;
}

/**
 * `hex(SHA-256(UTF-8(prevHash + "\n" + canonical content)))`.
 * @param {string} prevHash
 * @param {HashedContent} row
 * @returns {string}
 */
export function computeAuditHash(prevHash, row) {
  return sha256Hex(`${prevHash}\n${auditHashContent(row)}`);
}

// crypto.hash (Node >= 20.12) skips the Hash object per call; the result is the same.
const oneShot = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : null;
function sha256Hex(text) {
  return oneShot ? oneShot("sha256", text, "hex") : createHash("sha256").update(text).digest("hex");
}

/**
 * The bytes a checkpoint's signature covers: canonical JSON of `{at, hash, keyId, seq}`.
 * @param {Omit<SignedCheckpoint, "signature">} checkpoint
 * @returns {Buffer}
 */
export function checkpointMessage({ seq, hash, at, keyId }) {
  return Buffer.from(canonicalJson({ at, hash, keyId, seq }), "utf8");
}

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * A public key from its raw 32 bytes (base64), as `GET /api/audit/public-keys` publishes it.
 * @param {string} base64
 * @returns {import("node:crypto").KeyObject}
 */
export function publicKeyFromRaw(base64) {
  const raw = Buffer.from(base64, "base64");
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes (base64)");
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

/**
 * Checks a checkpoint's signature. `publicKeys` maps key ids to raw public keys (base64).
 * @param {SignedCheckpoint} checkpoint
 * @param {Map<string, string>} publicKeys
 * @returns {{ ok: true } | { ok: false, problem: string }}
 */
export function verifyCheckpointSignature(checkpoint, publicKeys) {
  const raw = publicKeys.get(checkpoint.keyId);
  if (!raw) return { ok: false, problem: `signed by an unknown key "${checkpoint.keyId}": not trusted` };
  let valid = false;
  try {
    valid = verifySignature(null, checkpointMessage(checkpoint), publicKeyFromRaw(raw), Buffer.from(String(checkpoint.signature), "base64"));
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, problem: `its signature does not verify with key "${checkpoint.keyId}"` };
}

function checkpointShapeProblem(line) {
  if (!Number.isSafeInteger(line.seq) || line.seq < 0) return "seq is not a whole number";
  if (typeof line.hash !== "string" || !HEX64.test(line.hash)) return "hash is not 64 hex digits";
  if (typeof line.at !== "string" || Number.isNaN(Date.parse(line.at))) return "at is not a time";
  if (typeof line.keyId !== "string" || typeof line.signature !== "string") return "keyId or signature is missing";
  return null;
}

function recordShapeProblem(record) {
  if (!Number.isSafeInteger(record.seq) || record.seq < 1) return "seq is not a whole number ≥ 1";
  if (typeof record.prevHash !== "string" || !HEX64.test(record.prevHash)) return "prevHash is not 64 hex digits";
  if (typeof record.hash !== "string" || !HEX64.test(record.hash)) return "hash is not 64 hex digits";
  for (const field of HASHED_FIELDS) if (!(field in record)) return `the field ${field} is missing`;
  for (const field of TIMESTAMP_FIELDS) if (Number.isNaN(Date.parse(record[field]))) return `${field} is not a time`;
  return null;
}

/**
 * Verifies an NDJSON export's text. Every line is a record except the last, the signed
 * checkpoint. A full export (`"scope":"full"` on the checkpoint line) must be the whole chain
 * from its first row, every line linked to the one before; a filtered one is checked wherever
 * two lines hold consecutive rows.
 *
 * With `expect` (a checkpoint signed earlier, e.g. from the server's log or an earlier export),
 * the file must also hold that row with that hash: a history rewritten with recomputed hashes,
 * or a deleted tail, shows even in a file that is consistent in itself.
 *
 * @param {string} text
 * @param {{ publicKeys?: Map<string, string>, expect?: SignedCheckpoint }} [options] key id → raw public key (base64)
 * @returns {ExportVerification}
 */
export function verifyExport(text, { publicKeys, expect } = {}) {
  let previous = null;
  let checkpoint = null;
  let rows = 0;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  else if (lines.length > 0) return fail(lines.length, "the last line does not end with a line break: the file is truncated");
  const parsed = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let value;
    try {
      value = JSON.parse(lines[i]);
    } catch {
      return fail(lineNo, "not valid JSON: the line was truncated or edited");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return fail(lineNo, "not a JSON object");
    if (checkpoint) return fail(lineNo, "a line after the checkpoint line: lines were appended or reordered");
    if (value.type === "checkpoint") {
      const problem = checkpointShapeProblem(value);
      if (problem) return fail(lineNo, `the checkpoint line is malformed: ${problem}`);
      checkpoint = { ...value, lineNo };
      continue;
    }
    parsed.push({ record: value, lineNo });
  }
  if (!checkpoint) return fail(lines.length, "no checkpoint line at the end: the file is truncated");
  const scope = checkpoint.scope === "filtered" ? "filtered" : "full";
  const seen = new Set();

  for (const { record, lineNo } of parsed) {
    const shape = recordShapeProblem(record);
    if (shape) return fail(lineNo, shape, record.seq);
    if (seen.has(record.seq)) return fail(lineNo, `seq ${record.seq} appears twice`, record.seq);
    seen.add(record.seq);
    if (computeAuditHash(record.prevHash, record) !== record.hash) {
      return fail(lineNo, "the row's content does not match its hash: the line was edited", record.seq);
    }
    if (scope === "full") {
      const expected = previous ? previous.hash : GENESIS_HASH;
      if (record.prevHash !== expected) {
        const what = previous ? `line ${lineNo - 1}'s hash` : "the first row's previous hash (64 zeros)";
        return fail(lineNo, `prevHash is not ${what}: lines were removed, inserted or reordered`, record.seq);
      }
    } else if (previous && record.seq === previous.seq + 1 && record.prevHash !== previous.hash) {
      return fail(lineNo, `prevHash is not line ${lineNo - 1}'s hash although the rows are consecutive`, record.seq);
    }
    previous = record;
    rows += 1;
  }

  if (previous && (checkpoint.seq !== previous.seq || checkpoint.hash !== previous.hash)) {
    return fail(checkpoint.lineNo, `the checkpoint names seq ${checkpoint.seq}, not the last row (seq ${previous.seq}) with its hash: lines were removed or reordered`);
  }
  if (!publicKeys || publicKeys.size === 0) {
    return fail(checkpoint.lineNo, "no public key given: the checkpoint's signature was not checked (pass --public-key)");
  }
  const signature = verifyCheckpointSignature(checkpoint, publicKeys);
  if (!signature.ok) return fail(checkpoint.lineNo, `the checkpoint is ${signature.problem}`);
  if (expect) {
    const earlier = verifyCheckpointSignature(expect, publicKeys);
    if (!earlier.ok) return fail(0, `the earlier checkpoint (row #${expect.seq}) is ${earlier.problem}`);
    const held = parsed.find(({ record }) => record.seq === expect.seq);
    if (held && held.record.hash !== expect.hash) {
      return fail(held.lineNo, `row #${expect.seq}'s hash is not the one signed at ${expect.at}: the history up to it was rewritten`, expect.seq);
    }
    if (!held && scope === "full" && (previous?.seq ?? 0) < expect.seq) {
      return fail(checkpoint.lineNo, `the file ends at row #${previous?.seq ?? 0}, before row #${expect.seq} signed at ${expect.at}: the newest rows were deleted`);
    }
    if (!held && scope === "full") return fail(checkpoint.lineNo, `row #${expect.seq}, signed at ${expect.at}, is missing`);
  }
  const { lineNo: _lineNo, ...signed } = checkpoint;
  return { ok: true, rows, scope, checkpoint: signed };

  function fail(line, problem, seq) {
    return { ok: false, line, ...(Number.isSafeInteger(seq) ? { seq } : {}), problem, rows };
  }
}

/**
 * Public keys from the command line: `kid:base64[,kid:base64…]`, or a file holding the JSON of
 * `GET /api/audit/public-keys`.
 * @param {string[]} values
 * @returns {Map<string, string>}
 */
export function parsePublicKeys(values) {
  const keys = new Map();
  for (const value of values) {
    if (existsSync(value)) {
      const json = JSON.parse(readFileSync(value, "utf8"));
      for (const key of json.keys ?? []) keys.set(String(key.keyId), String(key.publicKey));
      continue;
    }
    for (const part of value.split(",")) {
      const at = part.indexOf(":");
      if (at < 1) throw new Error(`--public-key "${part}" is not kid:base64 or a keys file`);
      keys.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
  }
  for (const [keyId, raw] of keys) {
    try {
      publicKeyFromRaw(raw);
    } catch (error) {
      throw new Error(`--public-key ${keyId}: ${error.message}`);
    }
  }
  return keys;
}

/**
 * Prints the result of a file's verification (one JSON line, one sentence); returns the exit code.
 * @param {string} file
 * @param {ExportVerification} result
 * @param {{ log?: (line: string) => void, error?: (line: string) => void }} [output]
 * @returns {number}
 */
export function reportExport(file, result, { log = console.log, error = console.error } = {}) {
  if (result.ok) {
    log(JSON.stringify({ file, ...result }));
    log(`${file}: ${result.rows} rows verified (${result.scope} export), checkpoint seq ${result.checkpoint.seq} signed by "${result.checkpoint.keyId}" at ${result.checkpoint.at}`);
    return 0;
  }
  error(JSON.stringify({ file, ...result }));
  error(`${file}: line ${result.line}${result.seq !== undefined ? ` (seq ${result.seq})` : ""}: ${result.problem}`);
  return 1;
}

/**
 * `node verifier.mjs FILE [--public-key K]… [--checkpoint JSON]`
 * @param {string[]} argv
 * @returns {number}
 */
export function main(argv) {
  const files = [];
  const keyArgs = [];
  let expect;
  try {
    for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--public-key") keyArgs.push(argv[++i] ?? "");
    else if (arg.startsWith("--public-key=")) keyArgs.push(arg.slice("--public-key=".length));
    else if (arg === "--file") files.push(argv[++i] ?? "");
    else if (arg === "--checkpoint") expect = parseCheckpointArg(argv[++i] ?? "");
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node ledgerlink-audit-verifier.mjs EXPORT.ndjson --public-key kid:base64[,…] | --public-key keys.json [--checkpoint JSON]");
      return 0;
    } else files.push(arg);
    }
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  if (files.length !== 1) {
    console.error("usage: node ledgerlink-audit-verifier.mjs EXPORT.ndjson --public-key kid:base64[,…] | --public-key keys.json");
    return 2;
  }
  let publicKeys;
  try {
    publicKeys = parsePublicKeys(keyArgs);
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  return reportExport(files[0], verifyExport(readFileSync(files[0], "utf8"), { publicKeys, expect }));
}

/**
 * A checkpoint given on the command line: its JSON, or a whole log line holding it under
 * `auditCheckpoint`, or an export's checkpoint line.
 * @param {string} text
 * @returns {SignedCheckpoint}
 */
export function parseCheckpointArg(text) {
  const value = JSON.parse(text);
  const inner = value?.auditCheckpoint ?? value;
  const checkpoint = { seq: inner?.seq, hash: inner?.hash, at: inner?.at, keyId: inner?.keyId, signature: inner?.signature };
  const problem = checkpointShapeProblem(checkpoint);
  if (problem) throw new Error(`--checkpoint: ${problem} (give the JSON with seq, hash, at, keyId and signature)`);
  return checkpoint;
}

// Run as a program (not when imported by the app).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
