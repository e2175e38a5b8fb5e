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

const NUMERIC = new Set(["byte", "short", "integer", "long", "float", "double", "decimal"]);

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

  const head = el(
    "tr",
    {},
    schema.fields
      .map((f) => {
        const num = NUMERIC.has(f.dataType.type);
        return el(
          "th",
          { class: "bdw-th", style: num ? TH : TH_LEFT, title: `${f.name}: ${simpleString(f.dataType)}${f.nullable ? " (nullable)" : ""}` },
          text(f.name) + "<br>" + el("span", { class: "bdw-type", style: "font-weight:400;opacity:0.6;font-size:11px;" }, text(simpleString(f.dataType))),
        );
      })
      .join(""),
  );
  const body = rows
    .map((r) => {
      const cells = showCells(schema, r, truncate);
      return el(
        "tr",
        {},
        cells
          .map((c, i) => {
            const f = schema.fields[i]!;
            const isNull = r[f.name] === null || r[f.name] === undefined;
            const style = (NUMERIC.has(f.dataType.type) ? TD : TD_LEFT) + (isNull ? "opacity:0.5;font-style:italic;" : "");
            return el("td", { class: "bdw-td", style }, text(c));
          })
          .join(""),
      );
    })
    .join("");
  const caption =
    total !== undefined
      ? `showing ${rows.length} of ${total} ${total === 1 ? "row" : "rows"}`
      : `${rows.length} ${rows.length === 1 ? "row" : "rows"}`;
  const html = el(
    "div",
    { class: "bdw-table", style: FONT },
    el("table", { style: "border-collapse:collapse;" }, el("thead", {}, head) + el("tbody", {}, body)) +
      el("div", { class: "bdw-caption", style: "opacity:0.7;margin-top:4px;" }, text(caption)),
  );
  return {
    [MIME.text]: plain,
    [MIME.html]: html,
    [MIME.table]: tablePayload(schema, rows, total),
  };
}
