// Spark Connect results arrive as Arrow IPC streams (one per ExecutePlanResponse.arrow_batch);
// decoded with apache-arrow into plain row objects: 64-bit integers become numbers when they are
// safe integers (as the embedded engine's rows hold them), dates and timestamps become Dates.

import { DataType, tableFromIPC, type Table } from "apache-arrow";
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

function rowsOf(table: Table): RemoteRow[] {
  const fields = table.schema.fields.map((f) => ({ name: f.name, time: DataType.isDate(f.type) || DataType.isTimestamp(f.type) }));
  const out: RemoteRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const r = table.get(i)!;
    const row: RemoteRow = {};
    for (const f of fields) {
      const v = plain((r as unknown as Record<string, unknown>)[f.name]);
      row[f.name] = f.time && typeof v === "number" ? new Date(v) : v;
    }
    out.push(row);
  }
  return out;
}

/** Every row of a finished ExecutePlan stream, in order. */
export function rowsFromResponses(responses: ExecutePlanResponse[]): RemoteRow[] {
  const rows: RemoteRow[] = [];
  for (const r of responses) {
    if (r.responseType.case !== "arrowBatch") continue;
    rows.push(...rowsOf(tableFromIPC(r.responseType.value.data)));
  }
  return rows;
}
