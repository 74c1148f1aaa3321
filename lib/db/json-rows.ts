import { sql, type SQL } from "drizzle-orm";

/**
 * A batch of rows as one statement parameter, to select from:
 * `(select * from json_to_recordset($rows::json) as r(<columns>))`. One statement text
 * whatever the batch size, so the server can keep it prepared (./prepared-query.ts) instead
 * of parsing and planning a new text per batch size.
 *
 * `joined: true` when the rows are joined to a table (`update … from`, `… in (select …)`): a
 * LIMIT then tells the planner that few rows come. json_to_recordset alone claims 100, and
 * against a table of a few thousand rows that makes the planner hash it with a sequential scan
 * of the whole table instead of probing its index. The LIMIT is `greatest(batch size, 10)`:
 * never fewer than the rows given, and planned as 10 rows whatever the size (a generic plan
 * reads any LIMIT parameter as 10%, i.e. 10 of json_to_recordset's 100), so the plan made for
 * one batch is as cheap as the plan for any other and the server keeps one generic plan
 * instead of planning every execution.
 *
 * `columns` is the column definition list, e.g. `sql.raw("id uuid, sent_at timestamptz")`.
 */
export function jsonRows(rows: readonly object[], columns: SQL, { joined = false }: { joined?: boolean } = {}): SQL {
  const recordset = sql`select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(${columns})`;
  return joined ? sql`(${recordset} limit greatest(${rows.length}::integer, 10))` : sql`(${recordset})`;
}
