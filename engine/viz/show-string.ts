// df.show(): the exact text PySpark prints, following Dataset.showString in Spark 3.x. Cells are
// Spark's string casts (cell-format.ts), truncated to `truncate` characters with "...", padded by
// display width (East Asian wide characters count twice), right-aligned when truncating.

import type { StructType } from "../sql/types";
import { formatBinary, formatCell } from "./cell-format";

// Spark's Utils.fullWidthRegex: characters that take two columns in a terminal.
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** Display width as Spark's Utils.stringHalfWidth counts it. */
export function stringHalfWidth(s: string): number {
  const wide = s.match(FULL_WIDTH);
  return s.length + (wide ? wide.length : 0);
}

/** Spark's SchemaUtils.escapeMetaCharacters: control characters would break the table. */
export function escapeMetaCharacters(s: string): string {
  return s
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/\f/g, "\\f")
    .replace(/\x08/g, "\\b")
    .replace(/\x0B/g, "\\v")
    .replace(/\x07/g, "\\a");
}

/** The cells of one row as show() prints them, before padding. */
export function showCells(schema: StructType, row: Record<string, unknown>, truncate: number): string[] {
  return schema.fields.map((f) => {
    const v = row[f.name];
    let str: string;
    if (v === null || v === undefined) str = "null";
    else if (f.dataType.type === "binary" && v instanceof Uint8Array) str = formatBinary(v);
    else str = escapeMetaCharacters(formatCell(v, f.dataType));
    if (truncate > 0 && str.length > truncate) {
      // Spark shows no ellipsis when the limit is below 4 characters.
      str = truncate < 4 ? str.substring(0, truncate) : str.substring(0, truncate - 3) + "...";
    }
    return str;
  });
}

function leftPad(s: string, width: number): string {
  return s.length >= width ? s : " ".repeat(width - s.length) + s;
}
function rightPad(s: string, width: number, fill = " "): string {
  return s.length >= width ? s : s + fill.repeat(width - s.length);
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
  const trunc = typeof truncate === "boolean" ? (truncate ? 20 : 0) : Math.floor(truncate);
  const header = schema.fields.map((f) => escapeMetaCharacters(f.name));
  const hasMoreData = rows.length > numRows;
  const data = rows.slice(0, numRows).map((r) => showCells(schema, r, trunc));
  const minimumColWidth = 3;
  let sb = "";

  if (!vertical) {
    const colWidths = header.map(() => minimumColWidth);
    for (const row of [header, ...data]) {
      row.forEach((cell, i) => {
        colWidths[i] = Math.max(colWidths[i]!, stringHalfWidth(cell));
      });
    }
    const pad = (row: string[]) =>
      row.map((cell, i) => {
        const width = colWidths[i]! - stringHalfWidth(cell) + cell.length;
        return trunc > 0 ? leftPad(cell, width) : rightPad(cell, width);
      });
    const sep = "+" + colWidths.map((w) => "-".repeat(w)).join("+") + "+\n";
    const line = (cells: string[]) => "|" + cells.join("|") + "|\n";
    sb += sep + line(pad(header)) + sep;
    for (const row of data) sb += line(pad(row));
    sb += sep;
  } else {
    const fieldNameColWidth = header.reduce((m, h) => Math.max(m, stringHalfWidth(h)), minimumColWidth);
    const dataColWidth = data.reduce((m, row) => Math.max(m, ...row.map(stringHalfWidth)), minimumColWidth);
    data.forEach((row, i) => {
      sb += rightPad(`-RECORD ${i}`, fieldNameColWidth + dataColWidth + 5, "-") + "\n";
      row.forEach((cell, j) => {
        const name = header[j]!;
        const fieldName = rightPad(name, fieldNameColWidth - stringHalfWidth(name) + name.length);
        const value = rightPad(cell, dataColWidth - stringHalfWidth(cell) + cell.length);
        sb += ` ${fieldName} | ${value} \n`;
      });
    });
  }

  if (vertical && data.length === 0) sb += "(0 rows)\n";
  else if (hasMoreData) sb += `only showing top ${numRows} ${numRows === 1 ? "row" : "rows"}\n`;
  return sb;
}
