// Spark Connect results arrive as Arrow IPC streams (one per ExecutePlanResponse.arrow_batch);
// decoded with apache-arrow into the values the embedded engine's rows hold: 64-bit integers as
// numbers when they are safe integers, decimals exact (as the engine holds them), dates and
// timestamps as Dates.

import { DataType, tableFromIPC, type Table } from "apache-arrow";
import { decimalValue } from "../common/decimal";
import type { ExecutePlanResponse } from "./gen/spark/connect/base_pb";

export type RemoteRow = Record<string, unknown>;

function plain(v: unknown): unknown {
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (v && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function" && !(v instanceof Date)) {
    const j = (v as { toJSON(): unknown }).toJSON();
    if (Array.isArray(j)) return j.map(plain);
    if (j && typeof j === "object") return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, plain(x)]));
    return j;
  }
  return v;
}

/**
 * A value as the embedded engine's rows hold it, by its Arrow type all the way down: exact decimals,
 * dates and timestamps as Dates, structs as objects, arrays as arrays and maps as Maps.
 */
function columnValue(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (DataType.isDecimal(type)) {
    // Exact, in the embedded engine's form (number, bigint or Decimal: engine/common/decimal.ts).
    return decimalValue(BigInt(String(v)), type.scale);
  }
  if (DataType.isStruct(type)) {
    const row = v as Record<string, unknown>;
    return Object.fromEntries(type.children.map((f) => [f.name, columnValue(row[f.name], f.type)]));
  }
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as DataType & { children: Array<{ type: DataType }> };
    const [kt, vt] = [entry.children[0]!.type, entry.children[1]!.type];
    const out = new Map<unknown, unknown>();
    for (const [k, x] of v as Iterable<[unknown, unknown]>) out.set(columnValue(k, kt), columnValue(x, vt));
    return out;
  }
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const et = type.children[0]!.type;
    return Array.from(v as Iterable<unknown>, (x) => columnValue(x, et));
  }
  const p = plain(v);
  return (DataType.isDate(type) || DataType.isTimestamp(type)) && typeof p === "number" ? new Date(p) : p;
}

/** Column names and positional rows (names may repeat: SELECT a.name, b.name). */
export interface RemoteResult {
  columns: string[];
  rows: unknown[][];
}

function resultOf(table: Table): RemoteResult {
  const fields = table.schema.fields;
  const cols = fields.map((_, i) => table.getChildAt(i)!);
  const rows: unknown[][] = [];
  for (let r = 0; r < table.numRows; r++) rows.push(cols.map((c, i) => columnValue(c.get(r), fields[i]!.type)));
  return { columns: fields.map((f) => f.name), rows };
}

/** Every row of a finished ExecutePlan stream, in order, positionally. */
export function resultFromResponses(responses: ExecutePlanResponse[]): RemoteResult {
  const out: RemoteResult = { columns: [], rows: [] };
  for (const r of responses) {
    if (r.responseType.case !== "arrowBatch") continue;
    const part = resultOf(tableFromIPC(r.responseType.value.data));
    out.columns = part.columns;
    out.rows.push(...part.rows);
  }
  return out;
}

/** Every row of a finished ExecutePlan stream as objects keyed by column name (PySpark's Row). */
export function rowsFromResponses(responses: ExecutePlanResponse[]): RemoteRow[] {
  const { columns, rows } = resultFromResponses(responses);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
}
