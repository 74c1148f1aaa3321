import { sql, type SQL } from "drizzle-orm";

/**
 * A batch of rows as one statement parameter, to select from:
 * `(select * from json_to_recordset($rows::json) as r(<columns>) limit $count)`.
 *
 * - One statement text whatever the batch size, so the server can keep it prepared
 *   (./prepared-query.ts) instead of parsing and planning a new text per batch size.
 * - The LIMIT is the batch size: it tells the planner how many rows come. json_to_recordset
 *   alone claims 100, and joined to a table of a few thousand rows that makes the planner
 *   hash it against a sequential scan of the whole table instead of probing its index.
 *
 * `columns` is the column definition list, e.g. `sql.raw("id uuid, sent_at timestamptz")`.
 */
export function jsonRows(rows: readonly object[], columns: SQL): SQL {
  return sql`(select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(${columns}) limit ${rows.length})`;
}
