// DecimalType arithmetic, exact as Spark's (java.math.BigDecimal underneath): + - * / % on the
// unscaled integers, the result rounded HALF_UP to the result type's scale and checked against its
// precision (null without ANSI, NUMERIC_VALUE_OUT_OF_RANGE with it). Values with few digits take a
// double fast path that is provably exact (see engine/common/decimal.ts for the value forms).

import { ExecutionError } from "../../common/errors";
import { POW10_NUMBERS, decimalValue, divHalfUp, fitsPrecision, pow10, rescale, unscaledAt, unscaledText } from "../../common/decimal";
import type { DataType } from "../types";

type DecimalT = DataType & { type: "decimal" };

/** Spark's NUMERIC_VALUE_OUT_OF_RANGE for a decimal result beyond its type's precision. */
export function decimalOutOfRange(u: bigint, s: number, t: DecimalT): ExecutionError {
  return new ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
    `${unscaledText(u, s)} cannot be represented as Decimal(${t.precision}, ${t.scale}). If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error, and return NULL instead.`,
    { parameters: { value: unscaledText(u, s), precision: String(t.precision), scale: String(t.scale), config: '"spark.sql.ansi.enabled"' } });
}

/** `u * 10^-s` as a value of type `t`: rounded HALF_UP to t.scale; null (or the ANSI error) when it does not fit. */
export function fitDecimal(u: bigint, s: number, t: DecimalT, ansi: boolean): unknown {
  const r = rescale(u, s, t.scale);
  if (!fitsPrecision(r, t.precision)) {
    if (ansi) throw decimalOutOfRange(u, s, t);
    return null;
  }
  return decimalValue(r, t.scale);
}

const FAST_UNITS = 1e15;        // |unscaled| below this: a double holds the decimal exactly
const FAST_PRODUCT = 2 ** 49;   // |unscaled product| below this: the double product rounds to it exactly

/** The scale of a decimal operand's type (integral operands are whole). */
export function operandScale(t: DataType): number {
  return t.type === "decimal" ? t.scale : 0;
}

/** a op b for DecimalType operands of scales sa, sb, giving type t (b != 0 for / and %: callers check). */
export function decimalArith(op: "+" | "-" | "*" | "/" | "%", a: unknown, b: unknown, sa: number, sb: number, t: DecimalT, ansi: boolean): unknown {
  if (typeof a === "number" && typeof b === "number" && t.scale <= 15) {
    const f = POW10_NUMBERS[t.scale]!;
    if ((op === "+" || op === "-") && t.scale >= sa && t.scale >= sb) {
      const r = op === "+" ? a + b : a - b;
      const lim = FAST_UNITS / f;
      if (Math.abs(a) < lim && Math.abs(b) < lim && Math.abs(r) < lim && Math.abs(r) < POW10_NUMBERS[t.precision - t.scale]!) {
        return Math.round(r * f) / f;
      }
    } else if (op === "*" && t.scale === sa + sb) {
      const r = a * b;
      if (Math.abs(r) * f < FAST_PRODUCT && Math.abs(r) < POW10_NUMBERS[t.precision - t.scale]!) return Math.round(r * f) / f;
    }
  }
  const x = unscaledAt(a, sa), y = unscaledAt(b, sb);
  if (x === null || y === null) return null;
  switch (op) {
    case "+": case "-": {
      const s = Math.max(sa, sb);
      const l = rescale(x, sa, s), r = rescale(y, sb, s);
      return fitDecimal(op === "+" ? l + r : l - r, s, t, ansi);
    }
    case "*": return fitDecimal(x * y, sa + sb, t, ansi);
    case "/": {
      // Spark divides to scale 39 rounding DOWN, then rounds HALF_UP to the result scale: the same
      // as rounding the exact quotient HALF_UP once.
      const num = x * pow10(t.scale + sb), den = y * pow10(sa);
      return fitDecimal(divHalfUp(num, den), t.scale, t, ansi);
    }
    case "%": {
      const s = Math.max(sa, sb);
      return fitDecimal(rescale(x, sa, s) % rescale(y, sb, s), s, t, ansi);
    }
  }
}

/** Exact negation and absolute value of a DecimalType value. */
export function decimalNegate(v: unknown, scale: number): unknown {
  if (typeof v === "number") return -v;
  const u = unscaledAt(v, scale);
  return u === null ? null : decimalValue(-u, scale);
}

export function decimalAbs(v: unknown, scale: number): unknown {
  if (typeof v === "number") return Math.abs(v);
  const u = unscaledAt(v, scale);
  return u === null ? null : decimalValue(u < 0n ? -u : u, scale);
}

/** a / b rounded to an integer: HALF_UP, HALF_EVEN, FLOOR or CEILING. */
export function divRound(a: bigint, b: bigint, mode: "up" | "even" | "floor" | "ceil"): bigint {
  if (b < 0n) { a = -a; b = -b; }
  const q = a / b, r = a % b;
  if (r === 0n) return q;
  const floor = a < 0n ? q - 1n : q;
  if (mode === "floor") return floor;
  if (mode === "ceil") return floor + 1n;
  if (mode === "up") return divHalfUp(a, b);
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice !== b) return divHalfUp(a, b);
  return floor % 2n === 0n ? floor : floor + 1n;
}

/** round/bround/floor/ceil of a DecimalType value of scale `from` to `digits` fraction digits (may be negative), as type t. */
export function roundDecimalValue(v: unknown, from: number, digits: number, mode: "up" | "even" | "floor" | "ceil", t: DecimalT, ansi: boolean): unknown {
  const u = unscaledAt(v, from);
  if (u === null) return null;
  if (digits >= from) return fitDecimal(u, from, t, ansi);
  const q = divRound(u, pow10(from - digits), mode);
  return digits >= 0 ? fitDecimal(q, digits, t, ansi) : fitDecimal(q * pow10(-digits), 0, t, ansi);
}
