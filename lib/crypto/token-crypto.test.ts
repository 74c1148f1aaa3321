import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";

import {
  TokenDecryptionError,
  createTokenCipher,
  generateEncryptionKey,
  parseEncryptionKeys,
  type EncryptionKey,
} from "./token-crypto";

const CONTEXT = "provider_connections:0b7e6d1c:access_token";
const SECRET = "at_live_5f9c2e1d8a7b";

function key(kid: string): EncryptionKey {
  return { kid, key: randomBytes(32) };
}

/** Replaces one dot-separated part of a sealed value. */
function withPart(sealed: string, index: number, edit: (part: string) => string): string {
  const parts = sealed.split(".");
  parts[index] = edit(parts[index] ?? "");
  return parts.join(".");
}

/** Flips one bit of a base64url segment and re-encodes it, so the result stays well formed. */
function flipBit(segment: string): string {
  const bytes = Buffer.from(segment, "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString("base64url");
}

function decryptionError(run: () => unknown): TokenDecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenDecryptionError);
    return error as TokenDecryptionError;
  }
  throw new Error("expected a TokenDecryptionError");
}

describe("createTokenCipher", () => {
  const current = key("k2");
  const cipher = createTokenCipher([current]);

  it("round-trips, including empty and non-ASCII plaintext", () => {
    for (const plaintext of [SECRET, "", "jeton à renouveler ✓", "x".repeat(10_000)]) {
      expect(cipher.decrypt(cipher.encrypt(plaintext, CONTEXT), CONTEXT)).toBe(plaintext);
    }
  });

  it("writes v1.<kid>.<iv>.<ciphertext>.<tag> with a 96-bit IV and a 128-bit tag", () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);
    const [version, kid, iv, ciphertext, tag, ...rest] = sealed.split(".");
    expect(rest).toEqual([]);
    expect(version).toBe("v1");
    expect(kid).toBe("k2");
    expect(Buffer.from(iv ?? "", "base64url")).toHaveLength(12);
    expect(Buffer.from(ciphertext ?? "", "base64url")).toHaveLength(Buffer.byteLength(SECRET));
    expect(Buffer.from(tag ?? "", "base64url")).toHaveLength(16);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it("uses a fresh IV each time, so equal plaintexts give different sealed values", () => {
    const a = cipher.encrypt(SECRET, CONTEXT);
    const b = cipher.encrypt(SECRET, CONTEXT);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
  });

  it("refuses a value sealed for another row or column", () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);
    for (const other of [
      "provider_connections:0b7e6d1c:refresh_token",
      "provider_connections:ffffffff:access_token",
      `${CONTEXT} `,
    ]) {
      expect(decryptionError(() => cipher.decrypt(sealed, other)).reason).toBe("authentication_failed");
    }
  });

  it("refuses an empty context as a caller bug", () => {
    expect(() => cipher.encrypt(SECRET, "")).toThrow(/context/);
    expect(() => cipher.decrypt(cipher.encrypt(SECRET, CONTEXT), "")).toThrow(/context/);
  });

  describe("detects tampering", () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);

    it.each([
      ["iv", 2],
      ["ciphertext", 3],
      ["tag", 4],
    ])("of the %s", (_name, index) => {
      const error = decryptionError(() => cipher.decrypt(withPart(sealed, index, flipBit), CONTEXT));
      expect(error.reason).toBe("authentication_failed");
    });

    it("of the ciphertext length (truncated or extended)", () => {
      const shorter = withPart(sealed, 3, (p) => Buffer.from(p, "base64url").subarray(1).toString("base64url"));
      const longer = withPart(sealed, 3, (p) => Buffer.concat([Buffer.from(p, "base64url"), Buffer.from([0])]).toString("base64url"));
      expect(decryptionError(() => cipher.decrypt(shorter, CONTEXT)).reason).toBe("authentication_failed");
      expect(decryptionError(() => cipher.decrypt(longer, CONTEXT)).reason).toBe("authentication_failed");
    });

    it("of the key id: an unknown kid is named, another known kid fails authentication", () => {
      const unknown = decryptionError(() => cipher.decrypt(withPart(sealed, 1, () => "k9"), CONTEXT));
      expect(unknown.reason).toBe("unknown_key");
      expect(unknown.message).toContain('"k9"');

      // Same key bytes under two ids: only the AAD (which binds the kid) can tell them apart.
      const twin = createTokenCipher([current, { kid: "twin", key: current.key }]);
      const relabelled = withPart(sealed, 1, () => "twin");
      expect(decryptionError(() => twin.decrypt(relabelled, CONTEXT)).reason).toBe("authentication_failed");
    });

    it("of the version", () => {
      for (const version of ["v2", "v0", "V1", ""]) {
        const error = decryptionError(() => cipher.decrypt(withPart(sealed, 0, () => version), CONTEXT));
        expect(error.reason).toBe("unsupported_version");
      }
    });

    it("of the encoding: non-canonical or foreign characters are refused, not ignored", () => {
      const tag = sealed.split(".")[4] ?? "";
      // 16 bytes use 22 characters with 4 spare bits: a different last character can decode to the same bytes.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = tag.at(-1) ?? "A";
      const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? "A";
      for (const edited of [
        withPart(sealed, 4, (p) => p.slice(0, -1) + sibling),
        withPart(sealed, 4, (p) => `${p}=`),
        withPart(sealed, 2, (p) => `${p.slice(0, 4)}+${p.slice(5)}`),
        withPart(sealed, 3, (p) => `${p} `),
      ]) {
        expect(() => cipher.decrypt(edited, CONTEXT)).toThrow(TokenDecryptionError);
      }
    });

    it("of the structure", () => {
      for (const broken of ["", "v1", sealed.split(".").slice(0, 4).join("."), `${sealed}.x`, `${sealed}.`]) {
        expect(decryptionError(() => cipher.decrypt(broken, CONTEXT)).reason).toBe("malformed");
      }
      expect(decryptionError(() => cipher.decrypt(withPart(sealed, 2, (p) => p.slice(0, 8)), CONTEXT)).reason).toBe(
        "malformed",
      );
    });
  });

  it("never puts the plaintext, the key or the sealed value in an error", () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);
    const failures = [
      () => cipher.decrypt(sealed, "other"),
      () => cipher.decrypt(withPart(sealed, 3, flipBit), CONTEXT),
      () => cipher.decrypt(withPart(sealed, 1, () => "zz"), CONTEXT),
      () => cipher.decrypt(sealed.slice(0, -3), CONTEXT),
    ];
    for (const fail of failures) {
      const error = decryptionError(fail);
      const text = `${error.message} ${String(error.stack)} ${String(error.cause)}`;
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(current.key.toString("base64"));
      expect(text).not.toContain(current.key.toString("base64url"));
      expect(text).not.toContain(sealed.split(".")[3]);
      expect(error.cause).toBeUndefined();
    }
  });

  describe("key rotation", () => {
    const oldKey = key("old");
    const newKey = key("new");
    const before = createTokenCipher([oldKey]);
    const after = createTokenCipher([newKey, oldKey]);

    it("decrypts values sealed with a previous key and reports them as not current", () => {
      const sealedOld = before.encrypt(SECRET, CONTEXT);
      expect(after.decrypt(sealedOld, CONTEXT)).toBe(SECRET);
      expect(after.keyIdOf(sealedOld)).toBe("old");
      expect(after.isCurrent(sealedOld)).toBe(false);
    });

    it("encrypts with the first key only", () => {
      const sealedNew = after.encrypt(SECRET, CONTEXT);
      expect(after.keyIdOf(sealedNew)).toBe("new");
      expect(after.isCurrent(sealedNew)).toBe(true);
      expect(decryptionError(() => before.decrypt(sealedNew, CONTEXT)).reason).toBe("unknown_key");
    });

    it("re-encrypting with the current key makes a value current", () => {
      const sealedOld = before.encrypt(SECRET, CONTEXT);
      const resealed = after.encrypt(after.decrypt(sealedOld, CONTEXT), CONTEXT);
      expect(after.isCurrent(resealed)).toBe(true);
      expect(createTokenCipher([newKey]).decrypt(resealed, CONTEXT)).toBe(SECRET);
    });

    it("keyIdOf and isCurrent refuse malformed values", () => {
      expect(() => after.keyIdOf("not-sealed")).toThrow(TokenDecryptionError);
      expect(() => after.isCurrent("v1.new.x")).toThrow(TokenDecryptionError);
    });
  });

  it("keeps its own copy of the keys", () => {
    const mutable = key("m");
    const own = createTokenCipher([mutable]);
    const sealed = own.encrypt(SECRET, CONTEXT);
    mutable.key.fill(0);
    expect(own.decrypt(sealed, CONTEXT)).toBe(SECRET);
  });

  it("refuses an invalid key list", () => {
    expect(() => createTokenCipher([])).toThrow(/at least one key/);
    expect(() => createTokenCipher([{ kid: "short", key: randomBytes(16) }])).toThrow(/"short" must be 32 bytes/);
    expect(() => createTokenCipher([key("a"), key("a")])).toThrow(/"a" appears more than once/);
    expect(() => createTokenCipher([key("bad.kid")])).toThrow(/invalid key id/);
  });
});

describe("parseEncryptionKeys", () => {
  const k1 = randomBytes(32).toString("base64");
  const k2 = randomBytes(32).toString("base64");

  it("parses one or more kid:base64 entries in order, tolerating spaces", () => {
    const { keys } = parseEncryptionKeys(` primary:${k1} , old_2024-01:${k2}`);
    expect(keys.map((k) => k.kid)).toEqual(["primary", "old_2024-01"]);
    expect(keys[0]?.key.equals(Buffer.from(k1, "base64"))).toBe(true);
    expect(keys[1]?.key).toHaveLength(32);
  });

  it.each([
    ["", /TOKEN_ENCRYPTION_KEYS: at least one key is required/],
    [" , ", /TOKEN_ENCRYPTION_KEYS: at least one key is required/],
    [`k1:${k1},`, /TOKEN_ENCRYPTION_KEYS: entry 2 is empty/],
    [k1, /TOKEN_ENCRYPTION_KEYS: entry 1 must be "kid:base64key"/],
    [`:${k1}`, /TOKEN_ENCRYPTION_KEYS: entry 1 has an invalid key id/],
    [`k1:${k1},bad kid:${k2}`, /TOKEN_ENCRYPTION_KEYS: entry 2 has an invalid key id/],
    [`${"k".repeat(33)}:${k1}`, /entry 1 has an invalid key id/],
    [`k.1:${k1}`, /entry 1 has an invalid key id/],
    [`k1:${k1},k1:${k2}`, /TOKEN_ENCRYPTION_KEYS: key id "k1" appears more than once/],
    [`k1:${k1},k2:${randomBytes(16).toString("base64")}`, /^TOKEN_ENCRYPTION_KEYS: key "k2" must be 32 bytes of base64 \(got 16\)$/],
    [`k1:${randomBytes(33).toString("base64")}`, /key "k1" must be 32 bytes of base64 \(got 33\)/],
    [`k1:${k1.slice(0, -1)}`, /key "k1" must be 32 bytes of base64 \(got not base64\)/],
    [`k1:${randomBytes(32).toString("base64url").replace(/^./, "-")}`, /key "k1" must be 32 bytes of base64 \(got not base64\)/],
    ["k1:", /key "k1" must be 32 bytes of base64 \(got 0\)/],
    // The name leaves out the (random) value: a test's name must be the same on every run
    // for mutation testing to match it to the code it covers.
  ])("names what is wrong (case %#)", (value, message) => {
    expect(() => parseEncryptionKeys(value)).toThrow(message);
  });

  it("never echoes key material in its errors", () => {
    const short = randomBytes(16).toString("base64");
    const bad = [k1, `:${k1}`, `k1:${short}`, `k1:${k1}x`, `x y:${k2}`, `k1:${k1},k1:${k2}`];
    for (const value of bad) {
      let message = "";
      try {
        parseEncryptionKeys(value);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^TOKEN_ENCRYPTION_KEYS: /);
      for (const material of [k1, k2, short, k1.slice(0, 12), k2.slice(0, 12), short.slice(0, 12)]) {
        expect(message).not.toContain(material);
      }
    }
  });
});

describe("parseEncryptionKeys, more precisely", () => {
  const k1 = randomBytes(32).toString("base64");

  it("trims spaces around the colon too", () => {
    const { keys } = parseEncryptionKeys(`k1 :  ${k1} `);
    expect(keys.map((k) => k.kid)).toEqual(["k1"]);
    expect(keys[0]?.key.equals(Buffer.from(k1, "base64"))).toBe(true);
  });

  it("says which entry is empty, rather than that no key was given, when others are present", () => {
    expect(() => parseEncryptionKeys(`,k1:${k1}`)).toThrow(/^TOKEN_ENCRYPTION_KEYS: entry 1 is empty \(stray comma\?\)$/);
    expect(() => parseEncryptionKeys(`k1:${k1},,`)).toThrow(/^TOKEN_ENCRYPTION_KEYS: entry 2 is empty/);
  });

  it("asks for kid:base64key when the colon is missing, wherever the entry is", () => {
    expect(() => parseEncryptionKeys(`k1:${k1},k2`)).toThrow(/^TOKEN_ENCRYPTION_KEYS: entry 2 must be "kid:base64key"$/);
    // A colon at index 1 is a (one-letter) key id, not a missing colon.
    expect(parseEncryptionKeys(`a:${k1}`).keys[0]?.kid).toBe("a");
  });
});

describe("sealed values that cannot be opened", () => {
  const cipher = createTokenCipher([key("k1")]);
  const sealed = cipher.encrypt(SECRET, CONTEXT);

  it.each([
    ["a wrong number of parts", sealed.split(".").slice(0, 4).join("."), "sealed token is malformed: expected 5 dot-separated parts"],
    ["a key id that could never be valid", withPart(sealed, 1, () => "k 1"), "sealed token is malformed: invalid key id"],
    ["an iv in foreign characters", withPart(sealed, 2, (iv) => `${iv.slice(0, -1)}*`), "sealed token is malformed: iv is not base64url"],
    ["a short iv", withPart(sealed, 2, (iv) => iv.slice(0, 8)), "sealed token is malformed: iv must be 12 bytes"],
    ["a tag in foreign characters", withPart(sealed, 4, (tag) => `${tag.slice(0, -1)}+`), "sealed token is malformed: tag is not base64url"],
    ["a short tag", withPart(sealed, 4, (tag) => tag.slice(0, 16)), "sealed token is malformed: tag must be 12 bytes".replace("12", "16")],
    ["ciphertext in foreign characters", withPart(sealed, 3, (c) => `${c}=`), "sealed token is malformed: ciphertext is not base64url"],
  ])("names why for %s, as malformed", (_name, value, message) => {
    const error = decryptionError(() => cipher.decrypt(value, CONTEXT));
    expect(error.name).toBe("TokenDecryptionError");
    expect(error.reason).toBe("malformed");
    expect(error.message).toBe(message);
  });

  it("says when an edited segment would only decode the same by ignoring bits", () => {
    // The 16-byte tag's last character carries 4 unused bits: flipping the lowest one
    // leaves the decoded bytes unchanged.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const tag = sealed.split(".")[4]!;
    const twin = `${tag.slice(0, -1)}${alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1]}`;
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(tag, "base64url"))).toBe(true);
    expect(decryptionError(() => cipher.decrypt(withPart(sealed, 4, () => twin), CONTEXT)).message).toBe(
      "sealed token is malformed: tag is not canonical base64url",
    );
  });

  it("names the version and authentication failures", () => {
    const version = decryptionError(() => cipher.decrypt(withPart(sealed, 0, () => "v2"), CONTEXT));
    expect(version.message).toBe("sealed token has an unsupported format version");
    const tampered = decryptionError(() => cipher.decrypt(sealed, `${CONTEXT}x`));
    expect(tampered).toMatchObject({
      name: "TokenDecryptionError",
      reason: "authentication_failed",
      message: "sealed token failed authentication (tampered, or stored under another context)",
    });
  });
});

describe("generateEncryptionKey", () => {
  it("produces an entry that parses to a 32-byte key under the given id, fresh each time", () => {
    const entry = generateEncryptionKey("dev1");
    expect(entry).toMatch(/^dev1:[A-Za-z0-9+/]{43}=$/);
    const [parsed] = parseEncryptionKeys(entry).keys;
    expect(parsed?.kid).toBe("dev1");
    expect(parsed?.key).toHaveLength(32);
    expect(generateEncryptionKey("dev1")).not.toBe(entry);
  });

  it("refuses an invalid key id", () => {
    expect(() => generateEncryptionKey("has space")).toThrow(/key id/);
    expect(() => generateEncryptionKey("")).toThrow(/key id/);
  });
});
