// Literal typing as Spark does it at parse time: integer literals become int, bigint or decimal
// by size, 1.5 is a decimal, 1e3 and 1.5D are doubles, suffixes L/S/Y/F/BD pick the type, and
// typed literals (DATE '...', TIMESTAMP '...') are checked and converted here.

import { ParseError } from "../../common/errors";
import {
  ByteType, DateType, DecimalType, DoubleType, FloatType, INTEGRAL_RANGES, IntegerType, LongType, ShortType, TimestampType,
  type DataType,
} from "../types";
import type { Literal, Pos } from "./ast";
import { parseTimestampText, UTC } from "../time-zone";
import type { Cursor } from "./cursor";
import type { Token } from "./lexer";

const range = (t: "byte" | "short" | "integer" | "long", type: typeof ByteType) => ({ min: INTEGRAL_RANGES[t][0], max: INTEGRAL_RANGES[t][1], type });
const RANGES = {
  tinyint: range("byte", ByteType),
  smallint: range("short", ShortType),
  int: range("integer", IntegerType),
  bigint: range("long", LongType),
} as const;

const MAX_DECIMAL_PRECISION = 38;

/**
 * The literal for a number token, with `negative` set when a unary minus was folded into it
 * (Spark's grammar makes `-1` one literal, which matters for range checks like -128Y).
 */
export function numberLiteral(c: Cursor, tok: Token, negative: boolean, pos: Pos): Literal {
  const raw = tok.text;
  const sign = negative ? "-" : "";
  const text = sign + raw;
  const m = /^(.*?)(bd|[lsydf])?$/i.exec(raw)!;
  const body = m[1]!;
  const suffix = (m[2] ?? "").toUpperCase();
  const lit = (dataType: DataType, value: Literal["value"]): Literal => ({ kind: "literal", pos, dataType, value, text });
  const outOfRange = (typeName: string, min: string, max: string) =>
    c.errorAt(tok, "INVALID_NUMERIC_LITERAL_RANGE",
      `Numeric literal ${sign}${body} is outside the valid range for ${typeName} with minimum value of ${min} and maximum value of ${max}. Please adjust the value accordingly.`,
      { rawStrippedQualifier: sign + body, typeName, minValue: min, maxValue: max });
  const integral = (name: keyof typeof RANGES): Literal => {
    const r = RANGES[name];
    const v = BigInt(sign + body);
    if (v < r.min || v > r.max) throw outOfRange(name, String(r.min), String(r.max));
    return lit(r.type, name === "bigint" && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) ? v : Number(v));
  };
  const floating = (name: "double" | "float"): Literal => {
    const v = Number(sign + body);
    const max = name === "double" ? Number.MAX_VALUE : 3.4028234663852886e38;
    if (!Number.isFinite(v) || Math.abs(v) > max) {
      throw outOfRange(name, name === "double" ? "-1.7976931348623157E+308" : "-3.4028235E+38",
        name === "double" ? "1.7976931348623157E+308" : "3.4028235E+38");
    }
    return lit(name === "double" ? DoubleType : FloatType, v);
  };
  const decimal = (): Literal => {
    const d = plainDecimal(sign + body);
    if (d.precision > MAX_DECIMAL_PRECISION) {
      throw c.errorAt(tok, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
        `Decimal precision ${d.precision} exceeds max precision ${MAX_DECIMAL_PRECISION}.`,
        { precision: d.precision, maxPrecision: MAX_DECIMAL_PRECISION });
    }
    return lit(DecimalType(d.precision, d.scale), d.value);
  };
  const isPlainInt = /^\d+$/.test(body);
  switch (suffix) {
    case "L": return integral("bigint");
    case "S": return integral("smallint");
    case "Y": return integral("tinyint");
    case "D": return floating("double");
    case "F": return floating("float");
    case "BD": return decimal();
    default:
      if (/e/i.test(body)) return floating("double");
      if (!isPlainInt) return decimal();
      {
        const v = BigInt(sign + body);
        if (v >= RANGES.int.min && v <= RANGES.int.max) return lit(IntegerType, Number(v));
        if (v >= RANGES.bigint.min && v <= RANGES.bigint.max) return integral("bigint");
        return decimal();
      }
  }
}

/** Exact digits, precision and scale of a decimal text (exponents are expanded, as Spark does without negative scales). */
export function plainDecimal(text: string): { value: string; precision: number; scale: number } {
  const neg = text.startsWith("-");
  const t = text.replace(/^[+-]/, "");
  const [mant, expText] = t.split(/e/i) as [string, string | undefined];
  let [ip, fp = ""] = mant.split(".") as [string, string | undefined];
  const exp = expText ? parseInt(expText, 10) : 0;
  if (exp > 0) {
    const moved = fp.slice(0, exp).padEnd(exp, "0");
    ip = ip + moved;
    fp = fp.slice(exp);
  } else if (exp < 0) {
    const n = -exp;
    const padded = ip.padStart(n + 1, "0");
    fp = padded.slice(padded.length - n) + fp;
    ip = padded.slice(0, padded.length - n);
  }
  ip = ip.replace(/^0+(?=\d)/, "");
  if (ip === "") ip = "0";
  const digits = (ip + fp).replace(/^0+/, "");
  const scale = fp.length;
  const precision = Math.max(digits.length || 1, scale);
  const value = (neg && /[1-9]/.test(ip + fp) ? "-" : "") + ip + (fp ? "." + fp : "");
  return { value, precision, scale };
}

/** DATE '...' and TIMESTAMP[_NTZ|_LTZ] '...' as Spark reads them; INVALID_TYPED_LITERAL otherwise. */
export function typedLiteral(c: Cursor, kwTok: Token, value: string, pos: Pos): Literal {
  const kw = kwTok.upper;
  const text = `${kw} '${value}'`;
  const invalid = (): ParseError => c.errorAt(kwTok, "INVALID_TYPED_LITERAL",
    `The value of the typed literal "${kw}" is invalid: '${value}'.`, { valueType: `"${kw}"`, value: `'${value}'` });
  if (kw === "DATE") {
    const d = parseDate(value);
    if (!d) throw invalid();
    return { kind: "literal", pos, dataType: DateType, value: d, text };
  }
  const ts = parseTimestamp(value, kw === "TIMESTAMP_NTZ");
  if (!ts) throw invalid();
  return { kind: "literal", pos, dataType: TimestampType, value: ts, text };
}

function validYmd(y: number, m: number, d: number): Date | undefined {
  const dt = new Date(Date.UTC(2000, m - 1, d));
  dt.setUTCFullYear(y);
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return dt;
}

/** yyyy, yyyy-[m]m, yyyy-[m]m-[d]d, optionally followed by ' ...' or 'T...' (Spark ignores the rest). */
export function parseDate(s: string): Date | undefined {
  const m = /^\s*([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?\s*$/.exec(s);
  if (!m) return undefined;
  return validYmd(Number(m[1]), m[2] ? Number(m[2]) : 1, m[3] ? Number(m[3]) : 1);
}

/** A timestamp literal's text read as UTC wall time (the binder re-reads it in the session time zone). */
export function parseTimestamp(s: string, ignoreZone = false): Date | undefined {
  return parseTimestampText(s, UTC, ignoreZone);
}
