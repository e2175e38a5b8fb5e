// Values as Spark's CAST(value AS STRING) writes them, which is what df.show() prints and what the
// HTML table shows: doubles as Java's Double.toString ("1.0", "1.0E7"), timestamps in UTC as
// "yyyy-MM-dd HH:mm:ss[.fff]", arrays "[1, 2]", maps "{a -> 1}", structs "{1, x}", nulls "null".

import { Decimal, decimalText } from "../common/decimal";
import type { DataType } from "../sql/types";
import { formatDate, formatTimestamp, javaDoubleToString, javaFloatToString } from "../sql/text-format";

export { javaDoubleToString, javaFloatToString };

/** Spark's string form of one value of type `dt` (dt optional: then inferred from the JS value). */
export function formatCell(value: unknown, dt?: DataType): string {
  if (value === null || value === undefined) return "null";
  switch (dt?.type) {
    case "double":
      if (typeof value === "number") return javaDoubleToString(value);
      break;
    case "float":
      if (typeof value === "number") return javaFloatToString(value);
      break;
    case "decimal":
      if (typeof value === "number" || typeof value === "bigint" || value instanceof Decimal) return decimalText(value, dt.scale);
      break;
    case "date":
      if (value instanceof Date) return formatDate(value);
      break;
    case "timestamp":
      if (value instanceof Date) return formatTimestamp(value);
      break;
    case "array":
      if (Array.isArray(value)) return "[" + value.map((v) => formatCell(v, dt.elementType)).join(", ") + "]";
      break;
    case "map":
      return "{" + mapEntries(value).map(([k, v]) => `${formatCell(k, dt.keyType)} -> ${formatCell(v, dt.valueType)}`).join(", ") + "}";
    case "struct":
      if (typeof value === "object") {
        const obj = value as Record<string, unknown>;
        return "{" + dt.fields.map((f) => formatCell(obj[f.name], f.dataType)).join(", ") + "}";
      }
      break;
    default:
      break;
  }
  return formatUntyped(value);
}

function formatUntyped(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : javaDoubleToString(value);
  if (typeof value === "bigint" || typeof value === "boolean" || typeof value === "string" || value instanceof Decimal) return String(value);
  if (value instanceof Uint8Array) return formatBinary(value);
  if (value instanceof Date) return formatTimestamp(value);
  if (Array.isArray(value)) return "[" + value.map((v) => formatUntyped(v)).join(", ") + "]";
  if (value instanceof Map) return "{" + [...value].map(([k, v]) => `${formatUntyped(k)} -> ${formatUntyped(v)}`).join(", ") + "}";
  if (typeof value === "object") return "{" + Object.values(value as object).map((v) => formatUntyped(v)).join(", ") + "}";
  return String(value);
}

function mapEntries(value: unknown): Array<[unknown, unknown]> {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === "object" && value !== null) return Object.entries(value);
  return [];
}

/** Top-level binary cells in show(): "[01 AB FF]" (upper-case hex bytes). */
export function formatBinary(b: Uint8Array): string {
  return "[" + Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, "0")).join(" ") + "]";
}

