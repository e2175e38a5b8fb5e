// Values as Spark's CAST(value AS STRING) writes them, which is what df.show() prints and what the
// HTML table shows: doubles as Java's Double.toString ("1.0", "1.0E7"), timestamps in UTC as
// "yyyy-MM-dd HH:mm:ss[.fff]", arrays "[1, 2]", maps "{a -> 1}", structs "{1, x}", nulls "null".

import type { DataType } from "../sql/types";

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
      if (typeof value === "number") return value.toFixed(dt.scale);
      break;
    case "date":
      if (value instanceof Date) return formatDate(value);
      break;
    case "timestamp":
      if (value instanceof Date) return formatTimestampUtc(value);
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
  if (typeof value === "bigint" || typeof value === "boolean" || typeof value === "string") return String(value);
  if (value instanceof Uint8Array) return formatBinary(value);
  if (value instanceof Date) return formatTimestampUtc(value);
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

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** yyyy-MM-dd of a date held as UTC midnight. */
export function formatDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Spark's timestamp string: seconds always, fraction only when non-zero, trailing zeros dropped. */
export function formatTimestampUtc(d: Date): string {
  const base = `${formatDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3).replace(/0+$/, "")}`;
}

/**
 * Java's Double.toString: the shortest digits that round-trip; plain notation for
 * 1e-3 <= |d| < 1e7 (always with a fractional digit), else "d.dddE[-]n".
 */
export function javaDoubleToString(d: number): string {
  return javaFloatingToString(d, (x) => x.toExponential());
}

/** Java's Float.toString for a value held as a double (rounded to float32 first). */
export function javaFloatToString(f: number): string {
  const v = Math.fround(f);
  return javaFloatingToString(v, (x) => {
    // The fewest significant digits that read back as the same float32.
    for (let p = 1; p <= 9; p++) {
      const s = x.toExponential(p - 1);
      if (Math.fround(Number(s)) === x) return s;
    }
    return x.toExponential(8);
  });
}

function javaFloatingToString(d: number, shortestExp: (x: number) => string): string {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const sign = d < 0 ? "-" : "";
  const abs = Math.abs(d);
  const [mant, expStr] = shortestExp(abs).split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expStr);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === "" ? "0" : frac}E${exp}`;
}
