// df.show(): the exact text PySpark prints, following Dataset.showString in Spark 3.x: cells are
// Spark's string casts, truncated to `truncate` characters with "...", padded by display width
// (East Asian wide characters count twice), right-aligned when truncating; the vertical layout.
// engine/viz/show-string.ts uses the same layout for rows held as objects.

import { WorkbenchError } from "../../common/errors";
import type { DataType } from "../types";
import { valueToString, mapEntries } from "../expressions/cast";
import { formatDate, formatTimestamp, javaDoubleToString, javaFloatToString } from "../text-format";
import { UTC, wallDate } from "../time-zone";

/** Text of one cell as Spark's show() prints it (timestamps on the wall clock of the session zone `tz`). */
export function cellString(v: unknown, dt: DataType, tz: string = UTC): string {
  if (v === null || v === undefined) return "null";
  switch (dt.type) {
    case "binary": return "[" + [...(v as Uint8Array)].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ") + "]";
    case "double": return javaDoubleToString(v as number);
    case "float": return javaFloatToString(v as number);
    case "timestamp": return formatTimestamp(wallDate(v as Date, tz));
    case "date": return formatDate(v as Date);
    case "array": return "[" + (v as unknown[]).map((x) => cellString(x, dt.elementType, tz)).join(", ") + "]";
    case "map": return "{" + mapEntries(v).map(([k, x]) => `${cellString(k, dt.keyType, tz)} -> ${cellString(x, dt.valueType, tz)}`).join(", ") + "}";
    case "struct": {
      const o = v as Record<string, unknown>;
      return "{" + dt.fields.map((f) => cellString(o[f.name], f.dataType, tz)).join(", ") + "}";
    }
    default: return valueToString(v, dt, tz) ?? "null";
  }
}

// Spark's Utils.fullWidthRegex: characters that take two columns in a terminal.
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** Display width as Spark's Utils.stringHalfWidth counts it (wide characters count twice). */
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

/** A cell's text cut to `truncate` characters as Dataset.getRows does (no "..." below 4). */
export function truncateCell(str: string, truncate: number): string {
  if (truncate <= 0 || str.length <= truncate) return str;
  return truncate < 4 ? str.substring(0, truncate) : str.substring(0, truncate - 3) + "...";
}

/** Normalizes show()'s `truncate` argument: true = 20 characters, false = none. */
export function truncateWidth(truncate: number | boolean): number {
  return typeof truncate === "boolean" ? (truncate ? 20 : 0) : Math.floor(truncate);
}

const leftPad = (s: string, width: number) => (s.length >= width ? s : " ".repeat(width - s.length) + s);
const rightPad = (s: string, width: number, fill = " ") => (s.length >= width ? s : s + fill.repeat(width - s.length));

/**
 * The layout of Dataset.showString (Spark 3.x) over cells already formatted and truncated:
 * padded by display width, right-aligned when truncating, the vertical layout, and the
 * "only showing top N rows" footer when `hasMore`.
 */
export function layoutShowTable(names: string[], cells: string[][], numRows: number, trunc: number, vertical: boolean, hasMore: boolean): string {
  const header = names.map(escapeMetaCharacters);
  const minimumColWidth = 3;
  let sb = "";
  if (!vertical) {
    const colWidths = header.map(() => minimumColWidth);
    for (const row of [header, ...cells]) row.forEach((cell, i) => { colWidths[i] = Math.max(colWidths[i]!, stringHalfWidth(cell)); });
    const pad = (row: string[]) => row.map((cell, i) => {
      const width = colWidths[i]! - stringHalfWidth(cell) + cell.length;
      return trunc > 0 ? leftPad(cell, width) : rightPad(cell, width);
    });
    const sep = "+" + colWidths.map((w) => "-".repeat(w)).join("+") + "+\n";
    const line = (row: string[]) => "|" + row.join("|") + "|\n";
    sb += sep + line(pad(header)) + sep;
    for (const row of cells) sb += line(pad(row));
    sb += sep;
  } else {
    const fieldNameColWidth = header.reduce((m, h) => Math.max(m, stringHalfWidth(h)), minimumColWidth);
    const dataColWidth = cells.reduce((m, row) => Math.max(m, ...row.map(stringHalfWidth)), minimumColWidth);
    cells.forEach((row, i) => {
      sb += rightPad(`-RECORD ${i}`, fieldNameColWidth + dataColWidth + 5, "-") + "\n";
      row.forEach((cell, j) => {
        const name = header[j]!;
        const fieldName = rightPad(name, fieldNameColWidth - stringHalfWidth(name) + name.length);
        const value = rightPad(cell, dataColWidth - stringHalfWidth(cell) + cell.length);
        sb += ` ${fieldName} | ${value} \n`;
      });
    });
  }
  if (vertical && cells.length === 0) sb += "(0 rows)\n";
  else if (hasMore) sb += `only showing top ${numRows} ${numRows === 1 ? "row" : "rows"}\n`;
  return sb;
}

/** Text of one cell in show(): Spark's string cast, control characters escaped (binary as hex). */
function showCell(v: unknown, dt: DataType, tz: string): string {
  if (v === null || v === undefined) return "null";
  return dt.type === "binary" ? cellString(v, dt) : escapeMetaCharacters(cellString(v, dt, tz));
}

/** PySpark's df.show() text over internal rows (arrays in column order). */
export function showString(names: string[], types: DataType[], rows: unknown[][], numRows: number, truncate: number | boolean = true, vertical = false, hasMore = false, tz: string = UTC): string {
  const n = Math.max(0, Math.floor(numRows));
  const t = truncateWidth(truncate);
  const cells = rows.slice(0, n).map((r) => r.map((v, i) => truncateCell(showCell(v, types[i]!, tz), t)));
  return layoutShowTable(names, cells, n, t, vertical, hasMore || rows.length > n);
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The HTML table of a DataFrame for notebooks (offline, no scripts). */
export function htmlTable(names: string[], types: DataType[], rows: unknown[][], total: number, tz: string = UTC): string {
  const head = names.map((n, i) => `<th>${esc(n)}<br><span style="font-weight:normal;color:#888">${esc(types[i]!.type === "decimal" ? `decimal(${(types[i] as { precision: number }).precision},${(types[i] as { scale: number }).scale})` : types[i]!.type)}</span></th>`).join("");
  const body = rows.map((r) => "<tr>" + r.map((v, i) => `<td>${esc(cellString(v, types[i]!, tz))}</td>`).join("") + "</tr>").join("");
  return `<table class="bigdata-dataframe" border="1"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<p style="color:#666">showing ${rows.length} of ${total} ${total === 1 ? "row" : "rows"}</p>`;
}

/** PySpark's show() keyword arguments. */
export interface ShowOptions { n?: number; truncate?: number | boolean; vertical?: boolean }

/** show()'s arguments checked as PySpark does (PySparkTypeError NOT_INT / NOT_BOOL). */
export function showArgs(n: number | ShowOptions, truncate: number | boolean, vertical: boolean): { n: number; truncate: number | boolean; vertical: boolean } {
  if (typeof n === "object" && n !== null) return showArgs(n.n ?? 20, n.truncate ?? true, n.vertical ?? false);
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new WorkbenchError("NOT_INT", `Argument \`n\` should be an int, got ${kind(n)}.`, { parameters: { arg_name: "n", arg_type: kind(n) } });
  }
  if (typeof truncate !== "boolean" && !(typeof truncate === "number" && Number.isInteger(truncate))) {
    throw new WorkbenchError("NOT_BOOL", `Argument \`truncate\` should be a bool, got ${kind(truncate)}.`, { parameters: { arg_name: "truncate", arg_type: kind(truncate) } });
  }
  if (typeof vertical !== "boolean") {
    throw new WorkbenchError("NOT_BOOL", `Argument \`vertical\` should be a bool, got ${kind(vertical)}.`, { parameters: { arg_name: "vertical", arg_type: kind(vertical) } });
  }
  return { n, truncate, vertical };
}
