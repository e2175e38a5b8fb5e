// Typed values of Hive-style partition directories (col=value): inference like Spark's
// PartitioningUtils (int -> long -> double -> date -> timestamp -> string; the Hive default
// partition name is null) and the reverse, value -> directory text, for partitioned writes.

import { type DataType } from "../types";
import { formatDate, parseDateLiteral, parseTimestampLiteral } from "./datetime";
import { formatTimestamp } from "../text-format";

export const HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

export function inferPartitionValue(raw: string): { dataType: DataType; value: unknown } {
  if (raw === HIVE_DEFAULT_PARTITION) return { dataType: { type: "null" }, value: null };
  if (/^[+-]?\d+$/.test(raw)) {
    const b = BigInt(raw);
    if (b >= -(2n ** 31n) && b < 2n ** 31n) return { dataType: { type: "integer" }, value: Number(b) };
    if (b >= -(2n ** 63n) && b < 2n ** 63n) return { dataType: { type: "long" }, value: Number.isSafeInteger(Number(b)) ? Number(b) : b };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return { dataType: { type: "double" }, value: Number(raw) };
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(raw)) {
    const d = parseDateLiteral(raw);
    if (d) return { dataType: { type: "date" }, value: d };
  }
  const ts = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d/.test(raw) ? parseTimestampLiteral(raw) : null;
  if (ts) return { dataType: { type: "timestamp" }, value: ts };
  return { dataType: { type: "string" }, value: raw };
}

const NUMERIC_ORDER = ["integer", "long", "double"];

/** The common type of several inferred partition types (Spark widens numerics, else string). */
export function mergePartitionTypes(types: DataType[]): DataType {
  let acc: DataType = { type: "null" };
  for (const t of types) {
    if (t.type === "null") continue;
    if (acc.type === "null" || acc.type === t.type) { acc = t; continue; }
    const a = NUMERIC_ORDER.indexOf(acc.type), b = NUMERIC_ORDER.indexOf(t.type);
    if (a >= 0 && b >= 0) { acc = { type: NUMERIC_ORDER[Math.max(a, b)] } as DataType; continue; }
    if ((acc.type === "date" && t.type === "timestamp") || (acc.type === "timestamp" && t.type === "date")) { acc = { type: "timestamp" }; continue; }
    return { type: "string" };
  }
  return acc.type === "null" ? { type: "string" } : acc;
}

export function castPartitionValue(raw: string, dt: DataType): unknown {
  if (raw === HIVE_DEFAULT_PARTITION) return null;
  switch (dt.type) {
    case "integer": case "short": case "byte": case "double": case "float": return Number(raw);
    case "long": {
      const b = BigInt(raw);
      return Number.isSafeInteger(Number(b)) ? Number(b) : b;
    }
    case "date": return parseDateLiteral(raw);
    case "timestamp": return parseTimestampLiteral(raw);
    case "boolean": return raw.toLowerCase() === "true";
    default: return raw;
  }
}

/** Directory text of a partition value (inverse of castPartitionValue). */
export function partitionValueText(v: unknown, dt: DataType): string {
  if (v === null || v === undefined || v === "") return HIVE_DEFAULT_PARTITION;
  if (v instanceof Date) return dt.type === "date" ? formatDate(v) : formatTimestamp(v);
  return String(v);
}
