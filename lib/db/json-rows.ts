import { sql, type SQL } from "drizzle-orm";

/**
 * A batch of rows as one statement parameter, to select from:
 * `(select * from json_to_recordset($rows::json) as r(<columns>))`. One statement text
 * whatever the batch size, so the server can keep it prepared (./prepared-query.ts) instead
 * of parsing and planning a new text per batch size.
 *
 * `joined: true` when the rows are joined to a table (`update … from`, `… in (select …)`): a
 * LIMIT of the batch size then tells the planner how few rows come. json_to_recordset alone
 * claims 100, and against a table of a few thousand rows that makes the planner hash it with a
 * sequential scan of the whole table instead of probing its index. The price is a plan per
 * execution (the plans made for the actual size look cheaper than a generic one), so rows
 * that are only inserted go without it.
 *
 * `columns` is the column definition list, e.g. `sql.raw("id uuid, sent_at timestamptz")`.
 */
export function jsonRows(rows: readonly object[], columns: SQL, { joined = false }: { joined?: boolean } = {}): SQL {
  const recordset = sql`select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(${columns})`;
  return joined ? sql`(${recordset} limit ${rows.length})` : sql`(${recordset})`;
}
