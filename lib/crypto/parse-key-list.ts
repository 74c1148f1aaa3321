/**
 * The syntax both key variables share (`TOKEN_ENCRYPTION_KEYS`, `AUDIT_SIGNING_KEYS`):
 * `kid:base64[,kid:base64…]`, the first key current. Errors name the variable and the entry or
 * key id and what is wrong, never key material, because they end up in start-up logs.
 */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Splits `value` into its entries and checks each one's key id; `decode` turns an entry's
 * value into a key (and throws, naming the key id, when it cannot). `format` is how an entry
 * is written in messages, e.g. "kid:base64key".
 */
export function parseKeyList<Key>(
  variable: string,
  value: string,
  format: string,
  decode: (keyId: string, encoded: string) => Key,
): Key[] {
  const entries = value.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => entry === "")) throw new Error(`${variable}: at least one key is required, as "${format}"`);
  const keyIds = new Set<string>();
  return entries.map((entry, index) => {
    const position = `entry ${index + 1}`;
    if (entry === "") throw new Error(`${variable}: ${position} is empty (stray comma?)`);
    const colon = entry.indexOf(":");
    // Without a colon the entry is probably a bare key: do not echo any of it.
    if (colon === -1) throw new Error(`${variable}: ${position} must be "${format}"`);
    const keyId = entry.slice(0, colon).trim();
    if (!KID_PATTERN.test(keyId)) throw new Error(`${variable}: ${position} has an invalid key id (expected 1-32 of A-Z a-z 0-9 _ -)`);
    if (keyIds.has(keyId)) throw new Error(`${variable}: key id "${keyId}" appears more than once`);
    keyIds.add(keyId);
    return decode(keyId, entry.slice(colon + 1).trim());
  });
}
