/**
 * Only a path on this site is followed after sign-in (no open redirect). The value is
 * resolved the way a browser would (which drops tabs and newlines and reads `\` as `/`),
 * and kept only if it stays on the same origin.
 */
export function safeReturnPath(value: unknown, fallback = "/connections"): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\u0000-\u001f\\]/.test(value)) return fallback;
  const base = "http://ledgerlink.invalid";
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
