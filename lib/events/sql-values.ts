/**
 * Raw SQL parameters and results that differ between the two drivers: drizzle's postgres.js
 * setup passes timestamp parameters through untouched and returns timestamps as strings,
 * while PGlite returns Date objects. ISO strings in, `toDate` out, work on both.
 */

export function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(String(value));
}
