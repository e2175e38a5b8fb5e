// CAST semantics (Spark 3 non-ANSI by default: bad input -> null; ANSI: CAST_INVALID_INPUT) and the
// canonical text of values (Java's Double.toString, yyyy-MM-dd, [a, b], {x, y}) used by CAST AS
// STRING, show() and explain. Timestamps read and print in the session time zone (../time-zone).

import { setField } from "../../common/fields";
import { ExecutionError } from "../../common/errors";
import { INTEGRAL_RANGES, INTEGRAL_RANGES_NUM, type DataType, simpleString, isInterval } from "../types";
import { intervalToString, intervalToNumber, numberToInterval, parseIntervalText, truncateToFields, type IntervalType } from "./intervals";
import { formatDate, formatTimestamp, javaDoubleToString, javaFloatToString } from "../text-format";
import { UTC, instantOfWall, parseTimestampText, wallDate } from "../time-zone";
import { Decimal, decimalParts, decimalText, decimalValue, fitsPrecision, parseDecimalText, rescale, type DecimalParts } from "../../common/decimal";

/** Text of a value as CAST(x AS STRING) gives it (timestamps in the session time zone `tz`). */
export function valueToString(v: unknown, dt: DataType, tz: string = UTC): string | null {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "null": return null;
    case "boolean": return v ? "true" : "false";
    case "byte": case "short": case "integer": case "long": return String(v);
    case "float": return javaFloatToString(v as number);
    case "double": return javaDoubleToString(v as number);
    case "decimal": return decimalText(v, dt.scale);
    case "string": return String(v);
    case "binary": return Buffer.from(v as Uint8Array).toString("utf8");
    case "date": return formatDate(v as Date);
    case "timestamp": return formatTimestamp(wallDate(v as Date, tz));
    case "interval_ym": case "interval_dt": return intervalToString(v as number, dt);
    case "array": return "[" + (v as unknown[]).map((x) => nestedString(x, dt.elementType, tz)).join(", ") + "]";
    case "map": return "{" + mapEntries(v).map(([k, x]) => `${nestedString(k, dt.keyType, tz)} -> ${nestedString(x, dt.valueType, tz)}`).join(", ") + "}";
    case "struct": {
      const o = v as Record<string, unknown>;
      return "{" + dt.fields.map((f) => nestedString(o[f.name], f.dataType, tz)).join(", ") + "}";
    }
    case "vector": return String(v); // DenseVector "[1.0,2.0]", SparseVector "(3,[0,2],[1.0,3.0])"
  }
}

function nestedString(v: unknown, dt: DataType, tz: string): string {
  return v === null || v === undefined ? "null" : valueToString(v, dt, tz)!;
}

/** Map values may arrive as Map objects or as plain objects. */
export function mapEntries(v: unknown): [unknown, unknown][] {
  if (v instanceof Map) return [...v.entries()];
  return Object.entries(v as Record<string, unknown>);
}

// ---- parsing strings -------------------------------------------------------------------------

const INT_RE = /^[+-]?\d+(\.\d*)?$/;
const DATE_RE = /^([+-]?\d{4,})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[ T].*)?$/;

export function parseDate(s: string): Date | null {
  const m = DATE_RE.exec(s.trim());
  if (!m) return null;
  const y = Number(m[1]), mo = m[2] ? Number(m[2]) : 1, d = m[3] ? Number(m[3]) : 1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  dt.setUTCFullYear(y);
  if (dt.getUTCMonth() !== mo - 1) return null;
  return dt;
}

/** A timestamp's text (Spark's CAST forms), a wall time without a zone read in `tz`. */
export function parseTimestamp(s: string, tz: string = UTC): Date | null {
  return parseTimestampText(s, tz) ?? null;
}

/** Exact bounds of the integral types (../types); INT_RANGES holds them as doubles for number inputs. */
const BigInt_RANGES: Record<string, readonly [bigint, bigint]> = INTEGRAL_RANGES;
const INT_RANGES: Record<string, readonly [number, number]> = INTEGRAL_RANGES_NUM;

function invalid(v: unknown, from: DataType, to: DataType, ansi: boolean): null {
  if (ansi) {
    throw new ExecutionError(
      "CAST_INVALID_INPUT",
      `The value '${String(v)}' of the type "${simpleString(from).toUpperCase()}" cannot be cast to "${simpleString(to).toUpperCase()}" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
      { parameters: { expression: String(v), sourceType: simpleString(from), targetType: simpleString(to) } },
    );
  }
  return null;
}

function overflow(v: unknown, from: DataType, to: DataType, ansi: boolean): null {
  if (ansi) {
    throw new ExecutionError("CAST_OVERFLOW", `The value ${String(v)} of the type "${simpleString(from).toUpperCase()}" cannot be cast to "${simpleString(to).toUpperCase()}" due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`);
  }
  return null;
}

/** Wrap an integral number into the two's complement range of `to` (non-ANSI narrowing). */
function wrapInt(n: number, to: string): number {
  switch (to) {
    case "byte": return (n << 24) >> 24;
    case "short": return (n << 16) >> 16;
    case "integer": return n | 0;
    default: return n;
  }
}

function toNumber(v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() / 1000;
  return v as number;
}

/** Cast one value. `ansi` turns bad input into errors instead of nulls; `tz` is the session time zone. */
export function castValue(v: unknown, from: DataType, to: DataType, ansi = false, tz: string = UTC): unknown {
  if (v === null || v === undefined) return null;
  if (from.type === to.type && to.type !== "decimal" && to.type !== "array" && to.type !== "struct" && to.type !== "map") return v;
  if (from.type === "interval_ym" || from.type === "interval_dt") {
    if (to.type === "string") return valueToString(v, from);
    if (from.type === to.type) return truncateToFields(v as number, to as IntervalType);
    return intervalToNumber(v as number, from, to, INT_RANGES[to.type]);
  }
  switch (to.type) {
    case "null": return null;
    case "string": return valueToString(v, from, tz);
    case "interval_ym": case "interval_dt":
      if (typeof v === "string") return parseIntervalText(v, to) ?? invalid(v, from, to, ansi);
      return numberToInterval(toNumber(v), from, to);
    case "boolean": {
      if (typeof v === "boolean") return v;
      if (typeof v === "string") {
        const s = v.trim().toLowerCase();
        if (["t", "true", "y", "yes", "1"].includes(s)) return true;
        if (["f", "false", "n", "no", "0"].includes(s)) return false;
        return invalid(v, from, to, ansi);
      }
      if (typeof v === "number" || typeof v === "bigint") return toNumber(v) !== 0;
      if (v instanceof Decimal) return v.unscaled !== 0n;
      return invalid(v, from, to, ansi);
    }
    case "byte": case "short": case "integer": case "long": {
      const [lo, hi] = INT_RANGES[to.type]!;
      if (from.type === "decimal") {
        // Exact: truncate toward zero; beyond the range ANSI raises and otherwise the low bits wrap
        // (Java's BigDecimal.longValue, as Spark's Decimal.toLong).
        const p = decimalParts(v);
        if (p === null) return null;
        const t = p.u / rescale(1n, 0, p.s);
        if (t < BigInt_RANGES[to.type]![0] || t > BigInt_RANGES[to.type]![1]) {
          if (ansi) return overflow(v, from, to, ansi);
          const w = BigInt.asIntN(to.type === "long" ? 64 : 32, t);
          return to.type === "long" ? (Number.isSafeInteger(Number(w)) ? Number(w) : w) : wrapInt(Number(w), to.type);
        }
        return Number.isSafeInteger(Number(t)) ? Number(t) : t;
      }
      if (typeof v === "string") {
        const s = v.trim();
        // ANSI (and try_cast) reads whole numbers only (Spark's toIntExact); otherwise a fraction is truncated.
        if (!INT_RE.test(s) || ansi && s.includes(".")) return invalid(v, from, to, ansi);
        // Exact: the integer digits as a bigint, range-checked before any rounding to a double.
        const b = BigInt(s.split(".")[0]!);
        if (b < BigInt_RANGES[to.type]![0] || b > BigInt_RANGES[to.type]![1]) return ansi ? invalid(v, from, to, ansi) : null;
        const n = Number(b);
        return Number.isSafeInteger(n) ? n : b;
      }
      if (typeof v === "bigint") {
        if (to.type === "long") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
        return wrapInt(Number(BigInt.asIntN(32, v)), to.type);
      }
      if (v instanceof Date) return Math.floor(v.getTime() / 1000);
      const n = toNumber(v);
      if (Number.isNaN(n)) return ansi ? overflow(v, from, to, ansi) : 0;
      const t = Math.trunc(n);
      if (isFractionalType(from)) {
        // Java's double-to-int narrowing saturates.
        if (to.type === "long") {
          if (t < lo || t >= 9223372036854775808) return ansi ? overflow(v, from, to, ansi) : t < lo ? -9223372036854775808n : 9223372036854775807n;
          return Number.isSafeInteger(t) ? t : BigInt(t);
        }
        if (t < lo || t > hi) return ansi ? overflow(v, from, to, ansi) : t < lo ? lo : hi;
        return t;
      }
      if (t < lo || t > hi) return ansi ? overflow(v, from, to, ansi) : wrapInt(t, to.type);
      return t;
    }
    case "float": case "double": {
      if (typeof v === "string") {
        const s = v.trim();
        const low = s.toLowerCase();
        let n: number;
        if (low === "nan") n = NaN;
        else if (low === "inf" || low === "infinity" || low === "+inf" || low === "+infinity") n = Infinity;
        else if (low === "-inf" || low === "-infinity") n = -Infinity;
        else n = s === "" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(s) ? NaN : Number(s.replace(/[dDfF]$/, ""));
        if (Number.isNaN(n) && low !== "nan") return invalid(v, from, to, ansi);
        return to.type === "float" ? Math.fround(n) : n;
      }
      const n = toNumber(v);
      return to.type === "float" ? Math.fround(n) : n;
    }
    case "decimal": {
      // Exact: text and numbers by their decimal digits (a double by its shortest text, as Spark's
      // Decimal(double) does), rounded HALF_UP to the scale, range-checked by precision.
      let p: DecimalParts | null;
      if (typeof v === "string") {
        p = parseDecimalText(v);
        if (p === null) return invalid(v, from, to, ansi);
      } else if (typeof v === "boolean") p = { u: v ? 1n : 0n, s: 0 };
      else {
        p = decimalParts(v instanceof Date ? toNumber(v) : v);
        if (p === null) return invalid(v, from, to, ansi);
      }
      const u = rescale(p.u, p.s, to.scale);
      if (!fitsPrecision(u, to.precision)) return overflow(v, from, to, ansi);
      return decimalValue(u, to.scale);
    }
    case "date": {
      if (typeof v === "string") return parseDate(v) ?? invalid(v, from, to, ansi);
      if (v instanceof Date) {
        const w = from.type === "timestamp" ? wallDate(v, tz) : v;
        return new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate()));
      }
      return invalid(v, from, to, ansi);
    }
    case "timestamp": {
      if (typeof v === "string") return parseTimestamp(v, tz) ?? invalid(v, from, to, ansi);
      // A date is midnight of its day in the session zone.
      if (v instanceof Date) return from.type === "date" ? instantOfWall(v, tz) : new Date(v.getTime());
      if (typeof v === "number" || typeof v === "bigint" || v instanceof Decimal) {
        // NaN and ±Infinity have no instant: NULL (Spark), never an Invalid Date.
        const d = new Date(toNumber(v) * 1000);
        return Number.isNaN(d.getTime()) ? invalid(v, from, to, ansi) : d;
      }
      return invalid(v, from, to, ansi);
    }
    case "binary": {
      if (typeof v === "string") return new Uint8Array(Buffer.from(v, "utf8"));
      if (v instanceof Uint8Array) return v;
      const width = { byte: 1, short: 2, integer: 4, long: 8 }[from.type as string];
      if (width !== undefined && (typeof v === "number" || typeof v === "bigint")) {
        const out = new Uint8Array(width);
        let x = BigInt.asUintN(width * 8, BigInt(v));
        for (let i = width - 1; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n; }
        return out;
      }
      return invalid(v, from, to, ansi);
    }
    case "array": {
      if (from.type !== "array") return invalid(v, from, to, ansi);
      return (v as unknown[]).map((x) => castValue(x, from.elementType, to.elementType, ansi, tz));
    }
    case "map": {
      if (from.type !== "map") return invalid(v, from, to, ansi);
      const out = new Map<unknown, unknown>();
      for (const [k, x] of mapEntries(v)) out.set(castValue(k, from.keyType, to.keyType, ansi, tz), castValue(x, from.valueType, to.valueType, ansi, tz));
      return out;
    }
    case "struct": {
      if (from.type !== "struct" || from.fields.length !== to.fields.length) return invalid(v, from, to, ansi);
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      to.fields.forEach((f, i) => {
        const src = from.fields[i]!;
        setField(out, f.name, castValue(o[src.name], src.dataType, f.dataType, ansi, tz));
      });
      return out;
    }
  }
  return null; // a target type CAST does not produce
}

function isFractionalType(dt: DataType): boolean {
  return dt.type === "float" || dt.type === "double";
}

/** Can `from` be cast to `to` at all (Spark's Cast.canCast, simplified)? */
export function canCast(from: DataType, to: DataType): boolean {
  if (from.type === "null") return true;
  if (to.type === "string") return true;
  if (from.type === to.type && from.type !== "array" && from.type !== "map" && from.type !== "struct") return true;
  const atomic = (t: DataType) => !["array", "map", "struct", "binary", "interval_ym", "interval_dt"].includes(t.type);
  const integralOrDecimal = (t: DataType) => ["byte", "short", "integer", "long", "decimal"].includes(t.type);
  if (isInterval(from)) return integralOrDecimal(to);
  switch (to.type) {
    case "interval_ym": case "interval_dt": return from.type === "string" || integralOrDecimal(from);
    case "array": return from.type === "array" && canCast(from.elementType, to.elementType);
    case "map": return from.type === "map" && canCast(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
    case "struct": return from.type === "struct" && from.fields.length === to.fields.length && from.fields.every((f, i) => canCast(f.dataType, to.fields[i]!.dataType));
    // Integral types cast to their big-endian two's-complement bytes (Spark, non-ANSI).
    case "binary": return ["string", "binary", "byte", "short", "integer", "long"].includes(from.type);
    case "date": return from.type === "string" || from.type === "timestamp" || from.type === "date";
    case "timestamp": return atomic(from) && from.type !== "boolean" || from.type === "boolean";
    default: return atomic(from) && from.type !== "date";
  }
}
