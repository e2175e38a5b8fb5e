// df.show(): PySpark's ASCII table (right-aligned cells, 20-character truncation with "...",
// "only showing top N rows") and the vertical layout. Written here rather than imported from
// engine/viz because the SQL layer sits below viz.

import type { DataType } from "./types";
import { valueToString, javaDouble, javaFloat, formatTimestamp, formatDate, mapEntries } from "./expressions/cast";

/** Text of one cell as Spark's show() prints it. */
export function cellString(v: unknown, dt: DataType): string {
  if (v === null || v === undefined) return "null";
  switch (dt.type) {
    case "binary": return "[" + [...(v as Uint8Array)].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ") + "]";
    case "double": return javaDouble(v as number);
    case "float": return javaFloat(v as number);
    case "timestamp": return formatTimestamp(v as Date);
    case "date": return formatDate(v as Date);
    case "array": return "[" + (v as unknown[]).map((x) => cellString(x, dt.elementType)).join(", ") + "]";
    case "map": return "{" + mapEntries(v).map(([k, x]) => `${cellString(k, dt.keyType)} -> ${cellString(x, dt.valueType)}`).join(", ") + "}";
    case "struct": {
      const o = v as Record<string, unknown>;
      return "{" + dt.fields.map((f) => cellString(o[f.name], f.dataType)).join(", ") + "}";
    }
    default: return valueToString(v, dt) ?? "null";
  }
}

const width = (s: string) => [...s].length;

function truncateCell(s: string, truncate: number): string {
  if (truncate <= 0 || width(s) <= truncate) return s;
  const cs = [...s];
  return truncate < 4 ? cs.slice(0, truncate).join("") : cs.slice(0, truncate - 3).join("") + "...";
}

export function showString(names: string[], types: DataType[], rows: unknown[][], numRows: number, truncate: number | boolean = true, vertical = false, hasMore = false): string {
  const t = truncate === true ? 20 : truncate === false ? 0 : truncate;
  const shown = rows.slice(0, numRows);
  const cells = shown.map((r) => r.map((v, i) => truncateCell(cellString(v, types[i]!), t)));
  const header = names.map((n) => truncateCell(n, t));
  let out = "";
  if (!vertical) {
    const widths = header.map((h, i) => Math.max(3, width(h), ...cells.map((r) => width(r[i]!))));
    const sep = "+" + widths.map((w) => "-".repeat(w)).join("+") + "+\n";
    const pad = (s: string, w: number) => (t > 0 ? " ".repeat(w - width(s)) + s : s + " ".repeat(w - width(s)));
    out += sep;
    out += "|" + header.map((h, i) => pad(h, widths[i]!)).join("|") + "|\n";
    out += sep;
    for (const r of cells) out += "|" + r.map((c, i) => pad(c, widths[i]!)).join("|") + "|\n";
    out += sep;
  } else {
    const fieldW = Math.max(...header.map(width), 0);
    const dataW = Math.max(...cells.flat().map(width), 0);
    if (!cells.length) out += "(0 rows)\n";
    cells.forEach((r, ri) => {
      const head = `-RECORD ${ri}`;
      out += head + "-".repeat(Math.max(0, fieldW + dataW + 5 - head.length)) + "\n";
      r.forEach((c, i) => { out += " " + header[i]!.padEnd(fieldW) + " | " + c.padEnd(dataW) + " \n"; });
    });
  }
  if (hasMore) out += `only showing top ${numRows} ${numRows === 1 ? "row" : "rows"}\n`;
  return out;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The HTML table of a DataFrame for notebooks (offline, no scripts). */
export function htmlTable(names: string[], types: DataType[], rows: unknown[][], total: number): string {
  const head = names.map((n, i) => `<th>${esc(n)}<br><span style="font-weight:normal;color:#888">${esc(types[i]!.type === "decimal" ? `decimal(${(types[i] as { precision: number }).precision},${(types[i] as { scale: number }).scale})` : types[i]!.type)}</span></th>`).join("");
  const body = rows.map((r) => "<tr>" + r.map((v, i) => `<td>${esc(cellString(v, types[i]!))}</td>`).join("") + "</tr>").join("");
  return `<table class="bigdata-dataframe" border="1"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<p style="color:#666">showing ${rows.length} of ${total} ${total === 1 ? "row" : "rows"}</p>`;
}
