/**
 * drizzle's postgres.js setup passes timestamp parameters through untouched, so raw SQL
 * takes ISO strings, which both drivers accept.
 */
export function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
