// Spark's HiveResult.toHiveString: the text of a query's result rows as the spark-sql shell and
// Spark's own SQL golden files (SQLQueryTestSuite) print them. Top-level NULL is "NULL", nested
// null is "null"; nested strings are double-quoted; arrays [a,b], maps {k:v} with entries sorted,
// structs {"name":v}; decimals in plain notation; doubles and floats as Java prints them.

import type { DataType } from "./types";
import { valueToString, mapEntries } from "./expressions/cast";
import { intervalHiveString } from "./expressions/intervals";
import { UTC } from "./time-zone";

/** One value as HiveResult.toHiveString renders it (`nested` inside an array, map or struct; timestamps in `tz`). */
export function hiveString(v: unknown, dt: DataType, nested = false, tz: string = UTC): string {
  if (v === null || v === undefined) return nested ? "null" : "NULL";
  switch (dt.type) {
    case "string": return nested ? `"${String(v)}"` : String(v);
    case "binary": return Buffer.from(v as Uint8Array).toString("utf8");
    case "interval_ym": case "interval_dt": return intervalHiveString(v as number, dt);
    case "array": return "[" + (v as unknown[]).map((x) => hiveString(x, dt.elementType, true, tz)).join(",") + "]";
    case "map": {
      const parts = mapEntries(v).map(([k, x]) => `${hiveString(k, dt.keyType, true, tz)}:${hiveString(x, dt.valueType, true, tz)}`);
      return "{" + parts.sort().join(",") + "}";
    }
    case "struct": {
      const o = v as Record<string, unknown>;
      return "{" + dt.fields.map((f) => `"${f.name}":${hiveString(o[f.name], f.dataType, true, tz)}`).join(",") + "}";
    }
    default: return valueToString(v, dt, tz) ?? (nested ? "null" : "NULL");
  }
}

/** A result row as one line: the columns' hive strings separated by tabs. */
export function hiveRow(row: readonly unknown[], types: readonly DataType[], tz: string = UTC): string {
  return row.map((v, i) => hiveString(v, types[i]!, false, tz)).join("\t");
}
