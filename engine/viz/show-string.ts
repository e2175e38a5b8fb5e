// df.show() for rows held as objects (display, stream tables): the cells are Spark's string casts
// (cell-format.ts); the table layout is the SQL layer's (engine/sql/api/show.ts), the same one
// df.show() prints, following Dataset.showString in Spark 3.x.

import type { StructType } from "../sql/types";
import { escapeMetaCharacters, layoutShowTable, stringHalfWidth, truncateCell, truncateWidth } from "../sql/api/show";
import { formatBinary, formatCell } from "./cell-format";

export { stringHalfWidth, escapeMetaCharacters };

/** The cells of one row as show() prints them, before padding. */
export function showCells(schema: StructType, row: Record<string, unknown>, truncate: number): string[] {
  return schema.fields.map((f) => {
    const v = row[f.name];
    let str: string;
    if (v === null || v === undefined) str = "null";
    else if (f.dataType.type === "binary" && v instanceof Uint8Array) str = formatBinary(v);
    else str = escapeMetaCharacters(formatCell(v, f.dataType));
    return truncateCell(str, truncate);
  });
}

/**
 * The text of PySpark's `df.show(n, truncate, vertical)`, newline-terminated like Scala's
 * showString (print() adds one more). Pass up to n+1 rows (what `take(n + 1)` returns): when more
 * than n rows are given, only n are shown and the "only showing top n rows" footer is added.
 * truncate: true = 20 characters, false/0 = no truncation (and left-aligned cells), k = k chars.
 */
export function showString(
  schema: StructType,
  rows: Record<string, unknown>[],
  n = 20,
  truncate: number | boolean = true,
  vertical = false,
): string {
  const numRows = Math.max(0, Math.floor(n));
  const trunc = truncateWidth(truncate);
  const data = rows.slice(0, numRows).map((r) => showCells(schema, r, trunc));
  return layoutShowTable(schema.fields.map((f) => f.name), data, numRows, trunc, vertical, rows.length > numRows);
}
