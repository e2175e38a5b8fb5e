// DataFrame results as a notebook table: HTML with column names and Spark types and a
// "showing N of M rows" caption, text/plain exactly as df.show() prints it, and a JSON payload
// (application/vnd.bigdata.table+json) for the lab extension's sortable table.

import { simpleString, type StructType } from "../sql/types";
import { formatCell } from "./cell-format";
import { FONT, TD, TD_LEFT, TH, TH_LEFT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";
import { showCells, showString } from "./show-string";

/** JSON-safe cell: finite numbers and booleans stay typed (for sorting), the rest is Spark's string form. */
export type TableCell = string | number | boolean | null;

export interface TablePayload {
  columns: Array<{ name: string; type: string; nullable: boolean }>;
  rows: TableCell[][];
  /** Rows in the whole result when known (may exceed rows.length). */
  totalRows?: number;
}

export interface TableOptions {
  /** Rows in the whole result; when larger than rows.length the output says "showing N of M". */
  totalRows?: number;
  /** Cell truncation in characters, as df.show(truncate=...); default 20, 0 = none. */
  truncate?: number;
}

function jsonCell(v: unknown, formatted: string): TableCell {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "boolean") return v;
  return formatted;
}

/** Plain data for the table MIME type. */
export function tablePayload(schema: StructType, rows: Record<string, unknown>[], totalRows?: number): TablePayload {
  return {
    columns: schema.fields.map((f) => ({ name: f.name, type: simpleString(f.dataType), nullable: f.nullable })),
    rows: rows.map((r) => schema.fields.map((f) => jsonCell(r[f.name], formatCell(r[f.name], f.dataType)))),
    ...(totalRows !== undefined ? { totalRows } : {}),
  };
}

/** Render rows (already collected, e.g. take(n)) with their schema. */
export function renderTable(schema: StructType, rows: Record<string, unknown>[], opts: TableOptions = {}): MimeBundle {
  const truncate = opts.truncate ?? 20;
  const total = opts.totalRows;
  const more = total !== undefined && total > rows.length;
  let plain = showString(schema, rows, rows.length, truncate);
  if (more) plain += `only showing top ${rows.length} ${rows.length === 1 ? "row" : "rows"}\n`;
  const payload = tablePayload(schema, rows, total);
  // HTML cells use show()'s own strings so the two views agree (doubles as "10.0", etc.).
  const shown = rows.map((r) => showCells(schema, r, truncate));
  return { [MIME.text]: plain, [MIME.html]: tableHtml(payload, { truncate, cellText: shown }), [MIME.table]: payload };
}

export interface TableHtmlOptions {
  truncate?: number;
  /** Pre-formatted cell strings (row-major); default: from the payload's cells. */
  cellText?: string[][];
  /** Column index the rows are sorted by, and direction, to mark the header. */
  sortedBy?: { column: number; descending: boolean };
  /** Show the "showing N of M rows" line (default true). */
  caption?: boolean;
}

function cellString(c: TableCell, type: string): string {
  if (c === null) return "null";
  if (typeof c === "number" && (type === "double" || type === "float")) return formatCell(c, { type });
  return String(c);
}

function truncateCell(s: string, truncate: number): string {
  if (truncate > 0 && s.length > truncate) return truncate < 4 ? s.substring(0, truncate) : s.substring(0, truncate - 3) + "...";
  return s;
}

/** The HTML table for a payload: header with names and types, cells, "showing N of M" caption. */
export function tableHtml(p: TablePayload, opts: TableHtmlOptions = {}): string {
  const truncate = opts.truncate ?? 20;
  const numeric = p.columns.map((c) => /^(tinyint|smallint|int|bigint|float|double|decimal)/.test(c.type));
  const head = el(
    "tr",
    {},
    p.columns
      .map((c, i) => {
        const mark = opts.sortedBy?.column === i ? (opts.sortedBy.descending ? " \u25BC" : " \u25B2") : "";
        return el(
          "th",
          { class: "bdw-th", "data-column": i, style: numeric[i] ? TH : TH_LEFT, title: `${c.name}: ${c.type}${c.nullable ? " (nullable)" : ""}` },
          text(c.name + mark) + "<br/>" + el("span", { class: "bdw-type", style: "font-weight:400;opacity:0.6;font-size:11px;" }, text(c.type)),
        );
      })
      .join(""),
  );
  const body = p.rows
    .map((r, ri) =>
      el(
        "tr",
        {},
        r
          .map((c, i) => {
            const s = opts.cellText?.[ri]?.[i] ?? truncateCell(cellString(c, p.columns[i]!.type), truncate);
            const style = (numeric[i] ? TD : TD_LEFT) + (c === null ? "opacity:0.5;font-style:italic;" : "");
            return el("td", { class: "bdw-td", style }, text(s));
          })
          .join(""),
      ),
    )
    .join("");
  const n = p.rows.length;
  const caption = p.totalRows !== undefined ? `showing ${n} of ${p.totalRows} ${p.totalRows === 1 ? "row" : "rows"}` : `${n} ${n === 1 ? "row" : "rows"}`;
  return el(
    "div",
    { class: "bdw-table", style: FONT },
    el("table", { style: "border-collapse:collapse;" }, el("thead", {}, head) + el("tbody", {}, body)) +
      (opts.caption === false ? "" : el("div", { class: "bdw-caption", style: "opacity:0.7;margin-top:4px;" }, text(caption))),
  );
}
