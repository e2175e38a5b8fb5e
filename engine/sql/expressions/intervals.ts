// Spark's ANSI interval types: INTERVAL YEAR TO MONTH (a value is a whole number of months) and
// INTERVAL DAY TO SECOND (a value is microseconds), with any contiguous range of their fields
// (`interval year`, `interval hour to second`, ...). This module holds their text forms (the
// literal/CAST-to-string form `INTERVAL '3-1' YEAR TO MONTH`, the Hive form `3-1` and
// `3 00:00:01.000000000`), the parsing of interval text, and the conversions CAST makes between
// intervals and numbers. Microseconds are held in a double: exact up to 2^53 µs (about 285 years).

import { AnalysisError, ExecutionError } from "../../common/errors";
import { simpleString, YM_FIELDS, DT_FIELDS, type DataType } from "../types";

export type IntervalType = DataType & { type: "interval_ym" | "interval_dt" };

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;
/** Microseconds in one unit of a day-time field (DAY, HOUR, MINUTE, SECOND). */
export const DT_UNIT_MICROS = [MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND] as const;
/** Months in one unit of a year-month field (YEAR, MONTH). */
export const YM_UNIT_MONTHS = [12, 1] as const;

/** A parsed interval: calendar months and a day-time part in microseconds. */
export interface IntervalParts {
  months: number;
  micros: number;
}

const UNIT_MICROS: Record<string, number> = {
  WEEK: 7 * MICROS_PER_DAY, DAY: MICROS_PER_DAY, HOUR: MICROS_PER_HOUR, MINUTE: MICROS_PER_MINUTE,
  SECOND: MICROS_PER_SECOND, MILLISECOND: 1000, MICROSECOND: 1,
};
const UNIT_WORDS: Record<string, string> = {};
for (const u of ["YEAR", "MONTH", ...Object.keys(UNIT_MICROS)]) { UNIT_WORDS[u] = u; UNIT_WORDS[u + "S"] = u; }

/** The interval type a unit word belongs to, and its field there. */
export function unitField(unit: string): { kind: "interval_ym" | "interval_dt"; field: number } {
  switch (unit) {
    case "YEAR": return { kind: "interval_ym", field: 0 };
    case "MONTH": return { kind: "interval_ym", field: 1 };
    case "WEEK": case "DAY": return { kind: "interval_dt", field: 0 };
    case "HOUR": return { kind: "interval_dt", field: 1 };
    case "MINUTE": return { kind: "interval_dt", field: 2 };
    default: return { kind: "interval_dt", field: 3 };
  }
}

export function normalUnit(word: string): string | undefined {
  return UNIT_WORDS[word.toUpperCase()];
}

export function badInterval(text: string, why = ""): AnalysisError {
  return new AnalysisError("INVALID_INTERVAL_FORMAT", `Error parsing interval '${text}'${why ? `: ${why}` : ""}.`, { parameters: { input: text } });
}

/** `'1.5' SECOND`, `'3' MONTH`: one number in one unit. */
export function unitValue(text: string, unit: string): IntervalParts {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) throw badInterval(t, `not a number for ${unit}`);
  if (unit === "YEAR" || unit === "MONTH") {
    const n = Number(t);
    if (!Number.isInteger(n)) throw badInterval(t, `${unit} must be a whole number`);
    return { months: unit === "YEAR" ? 12 * n : n, micros: 0 };
  }
  return { months: 0, micros: exactMicros(t, UNIT_MICROS[unit]!) };
}

/** A decimal text times a unit, in whole microseconds, without the rounding of a double product. */
function exactMicros(t: string, unit: number): number {
  const neg = t.startsWith("-");
  const [whole = "0", frac = ""] = t.replace(/^[+-]/, "").split(".");
  const scale = 10n ** BigInt(frac.length);
  const v = (BigInt(whole || "0") * scale + BigInt(frac || "0")) * BigInt(unit);
  const q = v / scale;
  if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw badInterval(t, "beyond 2^53 microseconds (about 285 years), the engine's exact range for day-time intervals");
  return (neg ? -1 : 1) * Number(q);
}

const RANGE_PATTERNS: Record<string, RegExp> = {
  "YEAR TO MONTH": /^([+-])?(\d+)-(\d+)$/,
  "DAY TO HOUR": /^([+-])?(\d+) (\d+)$/,
  "DAY TO MINUTE": /^([+-])?(\d+) (\d+):(\d+)$/,
  "DAY TO SECOND": /^([+-])?(\d+) (\d+):(\d+):(\d+(?:\.\d*)?)$/,
  "HOUR TO MINUTE": /^([+-])?(\d+):(\d+)$/,
  "HOUR TO SECOND": /^([+-])?(\d+):(\d+):(\d+(?:\.\d*)?)$/,
  "MINUTE TO SECOND": /^([+-])?(\d+):(\d+(?:\.\d*)?)$/,
};

/** `'1-2' YEAR TO MONTH`, `'1 02:03:04.5' DAY TO SECOND`. */
export function rangeValue(text: string, from: string, to: string): IntervalParts {
  const key = `${from} TO ${to}`;
  const m = RANGE_PATTERNS[key]?.exec(text.trim());
  if (!m) throw badInterval(text, `expected the ${key} form`);
  const sign = m[1] === "-" ? -1 : 1;
  if (key === "YEAR TO MONTH") {
    const months = Number(m[3]);
    if (months > 11) throw badInterval(text, "month must be in 0..11");
    return { months: sign * (12 * Number(m[2]) + months), micros: 0 };
  }
  const order = ["DAY", "HOUR", "MINUTE", "SECOND"];
  const units = order.slice(order.indexOf(from), order.indexOf(to) + 1);
  const micros = units.reduce((a, u, i) => a + exactMicros(m[i + 2]!, UNIT_MICROS[u]!), 0);
  if (!Number.isSafeInteger(micros)) throw badInterval(text, "beyond 2^53 microseconds (about 285 years), the engine's exact range for day-time intervals");
  return { months: 0, micros: sign * micros };
}

/** '1 day 2 hours', 'interval 3 months -1 day': pairs of number and unit; also the units seen. */
export function multiUnitText(text: string): IntervalParts & { units: string[] } {
  const words = text.trim().replace(/^interval\s+/i, "").split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length % 2 !== 0) throw badInterval(text);
  const out = { months: 0, micros: 0, units: [] as string[] };
  for (let i = 0; i < words.length; i += 2) {
    const unit = normalUnit(words[i + 1]!);
    if (!unit) throw badInterval(text, `unknown unit ${words[i + 1]}`);
    const v = unitValue(words[i]!, unit);
    out.months += v.months;
    out.micros += v.micros;
    out.units.push(unit);
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Fraction of a second as Spark prints it: `.123` (trailing zeros dropped), nothing when whole. */
function fraction(micros: number): string {
  if (micros === 0) return "";
  return "." + String(micros).padStart(6, "0").replace(/0+$/, "");
}

/** `INTERVAL '3-1' YEAR TO MONTH`, `INTERVAL '-1 02:03:04.123' DAY TO SECOND` (CAST to STRING, literals in names). */
export function intervalToString(v: number, t: IntervalType): string {
  const fields = t.type === "interval_ym" ? YM_FIELDS : DT_FIELDS;
  const spec = t.startField === t.endField ? fields[t.startField]!.toUpperCase()
    : `${fields[t.startField]!.toUpperCase()} TO ${fields[t.endField]!.toUpperCase()}`;
  return `INTERVAL '${intervalBody(v, t)}' ${spec}`;
}

function intervalBody(v: number, t: IntervalType): string {
  const sign = v < 0 ? "-" : "";
  const abs = Math.abs(v);
  if (t.type === "interval_ym") {
    if (t.startField === 0 && t.endField === 1) return `${sign}${Math.floor(abs / 12)}-${abs % 12}`;
    return `${sign}${t.startField === 0 ? Math.floor(abs / 12) : abs}`;
  }
  let rest = abs;
  let out = "";
  for (let f = t.startField; f <= t.endField; f++) {
    const unit = DT_UNIT_MICROS[f]!;
    const n = Math.floor(rest / unit);
    rest -= n * unit;
    if (f === t.startField) out = f === 0 ? String(n) : pad2(n);
    else out += (f === 1 ? " " : ":") + pad2(n);
  }
  if (t.endField === 3) out += fraction(Math.round(rest));
  return sign + out;
}

/** HiveResult's text: `3-1` for year-month, `3 00:00:01.000000000` for day-time, whatever the fields. */
export function intervalHiveString(v: number, t: IntervalType): string {
  const sign = v < 0 ? "-" : "";
  const abs = Math.abs(v);
  if (t.type === "interval_ym") return `${sign}${Math.floor(abs / 12)}-${abs % 12}`;
  const days = Math.floor(abs / MICROS_PER_DAY);
  let rest = abs - days * MICROS_PER_DAY;
  const h = Math.floor(rest / MICROS_PER_HOUR); rest -= h * MICROS_PER_HOUR;
  const m = Math.floor(rest / MICROS_PER_MINUTE); rest -= m * MICROS_PER_MINUTE;
  const s = Math.floor(rest / MICROS_PER_SECOND); rest -= s * MICROS_PER_SECOND;
  return `${sign}${days} ${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(Math.round(rest) * 1000).padStart(9, "0")}`;
}

/** Keep only the fields of the type (a value cast to INTERVAL HOUR TO MINUTE loses its seconds). */
export function truncateToFields(v: number, t: IntervalType): number {
  if (t.type === "interval_ym") return t.endField === 0 ? Math.trunc(v / 12) * 12 : v;
  const unit = DT_UNIT_MICROS[t.endField]!;
  return t.endField === 3 ? v : Math.trunc(v / unit) * unit;
}

/**
 * Text to an interval of type t: the literal form (`INTERVAL '3-1' YEAR TO MONTH`, with or without
 * INTERVAL and the quotes) or the bare value (`3-1`, `10`); null when it does not parse.
 */
export function parseIntervalText(text: string, t: IntervalType): number | null {
  let s = text.trim();
  const fields = t.type === "interval_ym" ? YM_FIELDS : DT_FIELDS;
  const spec = (t.startField === t.endField ? fields[t.startField]! : `${fields[t.startField]!} to ${fields[t.endField]!}`).toUpperCase();
  const m = /^interval\s+([+-]?)\s*'([^']*)'\s+(.+)$/i.exec(s);
  let outerSign = 1;
  if (m) {
    if (m[3]!.trim().replace(/\s+/g, " ").toUpperCase() !== spec) return null;
    outerSign = m[1] === "-" ? -1 : 1;
    s = m[2]!.trim();
  }
  try {
    const [from, to] = spec.split(" TO ");
    const v = to ? rangeValue(s, from!, to) : unitValue(s, from!);
    return outerSign * truncateToFields(t.type === "interval_ym" ? v.months : v.micros, t);
  } catch {
    return null;
  }
}

/** The interval's value in units of its end field: months, years, days, hours, minutes or seconds. */
export function intervalUnits(t: IntervalType): number {
  return t.type === "interval_ym" ? YM_UNIT_MONTHS[t.endField]! : DT_UNIT_MICROS[t.endField]!;
}

function castOverflow(v: unknown, from: DataType, to: DataType): ExecutionError {
  return new ExecutionError("CAST_OVERFLOW",
    `The value ${String(v)} of the type "${simpleString(from).toUpperCase()}" cannot be cast to "${simpleString(to).toUpperCase()}" due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
    { parameters: { value: String(v), sourceType: simpleString(from), targetType: simpleString(to) } });
}

/**
 * An interval to an exact number of its end field's units (CAST(interval AS INT / DECIMAL)):
 * integral targets truncate toward zero, decimal targets round half up to `scale`. Overflow of the
 * integral range is an error even outside ANSI mode, as in Spark.
 */
export function intervalToNumber(v: number, from: IntervalType, to: DataType, range?: readonly [number, number]): number {
  const unit = intervalUnits(from);
  if (to.type === "decimal") {
    const scale = 10n ** BigInt(to.scale);
    const num = BigInt(Math.round(v)) * scale;
    const den = BigInt(unit);
    let q = num / den;
    const r = num % den;
    if ((r < 0n ? -r : r) * 2n >= den) q += num < 0n ? -1n : 1n;
    const out = Number(q) / Number(scale);
    if (Math.abs(out) >= 10 ** (to.precision - to.scale)) throw castOverflow(intervalToString(v, from), from, to);
    return out;
  }
  const n = Math.trunc(v / unit);
  if (range && (n < range[0] || n > range[1])) throw castOverflow(intervalToString(v, from), from, to);
  return n;
}

/** A number of the end field's units to an interval (CAST(10 AS INTERVAL DAY)); decimals round half up. */
export function numberToInterval(n: number, from: DataType, to: IntervalType): number {
  const unit = intervalUnits(to);
  const raw = n * unit;
  const v = Number.isInteger(n) ? raw : Math.sign(raw) * Math.round(Math.abs(raw));
  const limit = to.type === "interval_ym" ? 2147483647 : Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(v) || v > limit || v < -limit - 1) throw castOverflow(n, from, to);
  return truncateToFields(v, to);
}
