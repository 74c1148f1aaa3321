/**
 * Credentials at rest (docs/DESIGN.md §3): sealed as `v1.<kid>.<iv>.<ciphertext>.<tag>`
 * (base64url). Nothing here reads the environment; callers pass the parsed keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import { KID_PATTERN, parseKeyList } from "./parse-key-list";

export interface EncryptionKey {
  kid: string;
  key: Buffer;
}

export interface TokenCipher {
  /** Seals `plaintext` with the current key; `context` names where it will be stored. */
  encrypt(plaintext: string, context: string): string;
  /** Opens a sealed value; throws `TokenDecryptionError` unless `context` matches the one it was sealed with. */
  decrypt(sealed: string, context: string): string;
  /** The key id a sealed value names (throws `TokenDecryptionError` when malformed). */
  keyIdOf(sealed: string): string;
  /** Whether a sealed value already uses the current (first) key, i.e. needs no re-encryption. */
  isCurrent(sealed: string): boolean;
}

export type TokenDecryptionFailure = "malformed" | "unsupported_version" | "unknown_key" | "authentication_failed";

/** A sealed value that cannot be opened. The message names why, never the plaintext or a key. */
export class TokenDecryptionError extends Error {
  constructor(
    readonly reason: TokenDecryptionFailure,
    message: string,
  ) {
    super(message);
    this.name = "TokenDecryptionError";
  }
}

const VARIABLE = "TOKEN_ENCRYPTION_KEYS";
const VERSION = "v1";
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Parses `kid:base64key[,kid:base64key…]` (the syntax and its errors: ./parse-key-list.ts). */
export function parseEncryptionKeys(value: string): { keys: EncryptionKey[] } {
  const keys = parseKeyList(VARIABLE, value, "kid:base64key", (kid, encoded) => {
    const key = BASE64_PATTERN.test(encoded) ? Buffer.from(encoded, "base64") : null;
    if (key === null || key.length !== KEY_BYTES) {
      const got = key === null ? "not base64" : String(key.length);
      throw new Error(`${VARIABLE}: key "${kid}" must be ${KEY_BYTES} bytes of base64 (got ${got})`);
    }
    return { kid, key };
  });
  return { keys };
}

/** A fresh `kid:base64key` entry, for development defaults and the rotation docs. */
export function generateEncryptionKey(kid: string): string {
  if (!KID_PATTERN.test(kid)) throw new Error("key id must be 1-32 of A-Z a-z 0-9 _ -");
  return `${kid}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

export function createTokenCipher(keys: readonly EncryptionKey[]): TokenCipher {
  const current = keys[0];
  if (current === undefined) throw new Error(`${VARIABLE}: at least one key is required`);
  const byKid = new Map<string, Buffer>();
  for (const { kid, key } of keys) {
    if (!KID_PATTERN.test(kid)) throw new Error(`${VARIABLE}: invalid key id`);
    if (key.length !== KEY_BYTES) throw new Error(`${VARIABLE}: key "${kid}" must be ${KEY_BYTES} bytes`);
    if (byKid.has(kid)) throw new Error(`${VARIABLE}: key id "${kid}" appears more than once`);
    // A private copy: later changes to the caller's buffers cannot change what we decrypt with.
    byKid.set(kid, Buffer.from(key));
  }
  const currentKey = byKid.get(current.kid) as Buffer;

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      // Stryker disable next-line ObjectLiteral: GCM's default tag is already 16 bytes; the option only states it.
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(current.kid, requireContext(context)));
      // Stryker disable next-line StringLiteral: an empty encoding falls back to UTF-8, the one named.
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
      return [VERSION, current.kid, ...parts].join(".");
    },

    decrypt(sealed, context) {
      requireContext(context);
      const { kid, iv, ciphertext, tag } = parseSealed(sealed);
      const key = byKid.get(kid);
      if (key === undefined) {
        throw new TokenDecryptionError("unknown_key", `sealed token uses key "${kid}", which is not in ${VARIABLE}`);
      }
      try {
        // Stryker disable next-line ObjectLiteral: parseSealed already refuses a tag that is not 16 bytes.
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(kid, context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      } catch {
        // Node's own message says nothing useful and a cause could carry buffers: replace both.
        throw new TokenDecryptionError(
          "authentication_failed",
          "sealed token failed authentication (tampered, or stored under another context)",
        );
      }
    },

    keyIdOf(sealed) {
      return parseSealed(sealed).kid;
    },

    isCurrent(sealed) {
      return parseSealed(sealed).kid === current.kid;
    },
  };
}

function requireContext(context: string): string {
  // An empty context would let a value move between rows unnoticed: a caller bug, refuse it.
  if (context === "") throw new Error("token encryption needs a non-empty context");
  return context;
}

/**
 * The GCM additional data: the version and key id as well as the caller's context, so
 * the header cannot be swapped without failing authentication either. Built as
 * `"v1." + kid + "." + context`; the key id cannot contain a dot, so the parts stay distinct.
 */
function additionalData(kid: string, context: string): Buffer {
  // Stryker disable next-line StringLiteral: an empty encoding falls back to UTF-8, the one named.
  return Buffer.from(`${VERSION}.${kid}.${context}`, "utf8");
}

function parseSealed(sealed: string): { kid: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = sealed.split(".");
  if (parts.length !== 5) throw malformed("expected 5 dot-separated parts");
  const [version, kid, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (version !== VERSION) {
    throw new TokenDecryptionError("unsupported_version", "sealed token has an unsupported format version");
  }
  if (!KID_PATTERN.test(kid)) throw malformed("invalid key id");
  const ivBytes = decodeSegment(iv, "iv");
  const tagBytes = decodeSegment(tag, "tag");
  if (ivBytes.length !== IV_BYTES) throw malformed(`iv must be ${IV_BYTES} bytes`);
  if (tagBytes.length !== TAG_BYTES) throw malformed(`tag must be ${TAG_BYTES} bytes`);
  return { kid, iv: ivBytes, ciphertext: decodeSegment(ciphertext, "ciphertext"), tag: tagBytes };
}

/**
 * Strict base64url: Node's decoder ignores stray characters and unused trailing bits, so
 * an edited value could otherwise decode to the same bytes and go unnoticed.
 */
function decodeSegment(segment: string, name: string): Buffer {
  if (!BASE64URL_PATTERN.test(segment)) throw malformed(`${name} is not base64url`);
  const bytes = Buffer.from(segment, "base64url");
  if (bytes.toString("base64url") !== segment) throw malformed(`${name} is not canonical base64url`);
  return bytes;
}

function malformed(detail: string): TokenDecryptionError {
  return new TokenDecryptionError("malformed", `sealed token is malformed: ${detail}`);
}
