// Text -> typed value conversion shared by the CSV reader, JSON string fields and schema
// inference. Converters return FAIL instead of throwing: a bad value is an ordinary event in a
// parse mode (PERMISSIVE/DROPMALFORMED), and the caller decides whether it becomes an error.

import { decimalValue, fitsPrecision, parseDecimalText, rescale } from "../../common/decimal";
import { simpleString, type DataType } from "../types";
import { compileParser, parseDateLiteral, parseTimestampLiteral } from "./datetime";
import { UTC } from "../time-zone";
import type { Options } from "./options";

export const FAIL: unique symbol = Symbol("conversion failed");
export type Converted = unknown | typeof FAIL;
export type TextConverter = (text: string) => Converted;

const INT_RE = /^[+-]?\d+$/;
const DOUBLE_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;

export interface NumberSpellings {
  nanValue: string;
  positiveInf: string;
  negativeInf: string;
}

export function numberSpellings(opts: Options): NumberSpellings {
  return { nanValue: opts.str("nanValue", "NaN"), positiveInf: opts.str("positiveInf", "Inf"), negativeInf: opts.str("negativeInf", "-Inf") };
}

export function parseIntegral(s: string, bits: 8 | 16 | 32 | 64): Converted {
  if (!INT_RE.test(s)) return FAIL;
  if (s.length <= 15) {
    // Fits a double exactly: skip BigInt (the common case, and much cheaper).
    const n = Number(s) || 0; // "-0" is 0
    if (bits === 64) return n;
    const lim = 2 ** (bits - 1);
    return n >= -lim && n < lim ? n : FAIL;
  }
  const b = BigInt(s);
  const lim = 1n << BigInt(bits - 1);
  if (b < -lim || b >= lim) return FAIL;
  if (bits < 64) return Number(b);
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

export function parseDouble(s: string, sp: NumberSpellings): Converted {
  if (s === sp.nanValue || s === "NaN") return NaN;
  if (s === sp.positiveInf || s === "Infinity" || s === "+Infinity" || s === "Inf" || s === "+Inf") return Infinity;
  if (s === sp.negativeInf || s === "-Infinity" || s === "-Inf") return -Infinity;
  if (!DOUBLE_RE.test(s)) return FAIL;
  return Number(s.replace(/[dDfF]$/, ""));
}

export function parseBoolean(s: string): Converted {
  const l = s.toLowerCase();
  return l === "true" ? true : l === "false" ? false : FAIL;
}

export interface DateTimeParsers {
  date: (s: string) => Date | null;
  timestamp: (s: string) => Date | null;
}

export function dateTimeParsers(opts: Options): DateTimeParsers {
  const df = opts.get("dateFormat");
  const tf = opts.get("timestampFormat");
  // Spark's timeZone option (the reader fills in the session time zone).
  const tz = opts.get("timeZone") ?? UTC;
  return {
    date: df ? compileParser(df) : parseDateLiteral,
    timestamp: tf ? compileParser(tf, tz) : (s) => parseTimestampLiteral(s, tz),
  };
}

/** A converter for one column of a text format. Complex types are not text formats' business. */
export function makeTextConverter(dt: DataType, sp: NumberSpellings, dtp: DateTimeParsers): TextConverter {
  switch (dt.type) {
    case "string": return (s) => s;
    case "byte": return (s) => parseIntegral(s, 8);
    case "short": return (s) => parseIntegral(s, 16);
    case "integer": return (s) => parseIntegral(s, 32);
    case "long": return (s) => parseIntegral(s, 64);
    case "float": case "double": return (s) => parseDouble(s, sp);
    case "decimal": return (s) => {
      // Plain decimal text is read exactly; other spellings (NaN, Inf) go through the double parser.
      const exact = parseDecimalText(s);
      if (exact !== null) {
        const u = rescale(exact.u, exact.s, dt.scale);
        return fitsPrecision(u, dt.precision) ? decimalValue(u, dt.scale) : FAIL;
      }
      const v = parseDouble(s, sp);
      if (v === FAIL || typeof v !== "number" || !Number.isFinite(v)) return FAIL;
      const intDigits = Math.abs(v) < 1 ? 0 : Math.floor(Math.log10(Math.abs(v))) + 1;
      if (intDigits > dt.precision - dt.scale) return FAIL;
      return Number(v.toFixed(dt.scale));
    };
    case "boolean": return parseBoolean;
    case "date": return (s) => dtp.date(s) ?? FAIL;
    case "timestamp": return (s) => dtp.timestamp(s) ?? FAIL;
    case "binary": return (s) => new TextEncoder().encode(s);
    case "null": return () => null;
    default: return () => FAIL;
  }
}

export function describeType(dt: DataType): string {
  return simpleString(dt);
}
