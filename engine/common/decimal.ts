// Exact decimals (Spark's DecimalType values): an unscaled bigint and a scale, like Java's
// BigDecimal. The engine keeps each DecimalType value in the cheapest form that holds it exactly,
// so the columnar and row fast paths stay on plain numbers:
//   - a JS number when the value has at most 15 significant digits (every such decimal has a
//     nearest double whose shortest text is that decimal again) or is a safe integer;
//   - a bigint for a whole number beyond 2^53 (scale 0, as longs are);
//   - a Decimal object otherwise (e.g. 12345678901234567890.12).
// `decimalValue` is the one place that chooses the form, so equal values always have the same
// form and keys hash and compare alike on every process.

import { SHIP, type ShipRef } from "./closure/markers";
import { registerShipResolver } from "./closure/ship-registry";

/** An exact decimal number: `unscaled * 10^-scale`. */
export class Decimal {
  constructor(readonly unscaled: bigint, readonly scale: number) {}

  /** Captured by a closure (a pushed-down filter's literal), it travels as its digits. */
  [SHIP](): ShipRef {
    return { kind: "decimal", data: [this.unscaled.toString(), this.scale] };
  }

  /** Plain text with exactly `scale` fraction digits, as Spark and Java's toPlainString print it. */
  toString(): string {
    return unscaledText(this.unscaled, this.scale);
  }

  /** The nearest double (what CAST(d AS DOUBLE) gives). */
  toNumber(): number {
    return Number(this.toString());
  }

  /** A Decimal from its text or a number's shortest text: Decimal.of("12345678901234567890.12"). */
  static of(v: string | number | bigint): Decimal {
    const p = decimalParts(v);
    if (p === null) throw new TypeError(`Decimal.of: not a decimal number: ${String(v)}`);
    return new Decimal(p.u, p.s);
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.toPrimitive](hint: string): string | number {
    return hint === "string" ? this.toString() : this.toNumber();
  }
}

registerShipResolver("decimal", (d) => {
  const [u, s] = d as [string, number];
  return new Decimal(BigInt(u), s);
});

/** An exact decimal as parts: `u * 10^-s` with s >= 0. */
export interface DecimalParts { u: bigint; s: number }

const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 64) return (POW10[n] ??= 10n ** BigInt(n));
  return 10n ** BigInt(n);
}

/** 10^k as doubles, k < 40 (exact up to 10^22; beyond, the nearest double, fine for bounds). */
export const POW10_NUMBERS: readonly number[] = Array.from({ length: 40 }, (_, k) => 10 ** k);

/** Text of `u * 10^-s` with exactly s fraction digits. */
export function unscaledText(u: bigint, s: number): string {
  const neg = u < 0n;
  let digits = (neg ? -u : u).toString();
  if (s > 0) {
    if (digits.length <= s) digits = "0".repeat(s - digits.length + 1) + digits;
    digits = digits.slice(0, digits.length - s) + "." + digits.slice(digits.length - s);
  }
  return (neg ? "-" : "") + digits;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Exact parts of a decimal text (`-12.5`, `.5`, `1e-7`, `1.5E+21`); null when it is not one. */
export function parseDecimalText(text: string): DecimalParts | null {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return null;
  const int = m[2] ?? "", frac = m[3] ?? "";
  if (int === "" && frac === "") return null;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isFinite(exp) || Math.abs(exp) > 100000) return null;
  let u = BigInt((int + frac) || "0");
  let s = frac.length - exp;
  if (s < 0) { u *= pow10(-s); s = 0; }
  return { u: m[1] === "-" ? -u : u, s };
}

/** Exact parts of a decimal-like value (number by its shortest text, bigint, Decimal, text). */
export function decimalParts(v: unknown): DecimalParts | null {
  if (v instanceof Decimal) return { u: v.unscaled, s: v.scale };
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) return null;
      if (Number.isSafeInteger(v)) return { u: BigInt(v), s: 0 };
      return parseDecimalText(String(v));
    case "bigint": return { u: v, s: 0 };
    case "string": return parseDecimalText(v);
    default: return null;
  }
}

/** `u * 10^-from` at scale `to`, rounding HALF_UP (away from zero on a tie), as Spark does. */
export function rescale(u: bigint, from: number, to: number): bigint {
  if (to >= from) return u * pow10(to - from);
  return divHalfUp(u, pow10(from - to));
}

/** a / b rounded HALF_UP (b > 0 or b < 0; b != 0). */
export function divHalfUp(a: bigint, b: bigint): bigint {
  if (b < 0n) { a = -a; b = -b; }
  const q = a / b, r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

/** True when `u` fits `precision` digits. */
export function fitsPrecision(u: bigint, precision: number): boolean {
  const limit = pow10(precision);
  return u < limit && u > -limit;
}

const FIFTEEN_DIGITS = 10n ** 15n;

/** The engine's form of the DecimalType value `u * 10^-s` (see the header). */
export function decimalValue(u: bigint, s: number): number | bigint | Decimal {
  if (s === 0) {
    const n = Number(u);
    return Number.isSafeInteger(n) ? n : u;
  }
  // Without trailing zeros, to count the significant digits.
  const { u: su, s: ss } = withoutTrailingZeros(u, s);
  if (ss === 0) {
    const n = Number(su);
    if (Number.isSafeInteger(n)) return n;
  } else if (su < FIFTEEN_DIGITS && su > -FIFTEEN_DIGITS) {
    return Number(unscaledText(su, ss));
  }
  return new Decimal(u, s);
}

/** A decimal-like value at `scale` (HALF_UP), or null when it does not fit `precision` digits. */
export function toDecimal(v: unknown, precision: number, scale: number): number | bigint | Decimal | null {
  const p = decimalParts(v);
  if (p === null) return null;
  const u = rescale(p.u, p.s, scale);
  return fitsPrecision(u, precision) ? decimalValue(u, scale) : null;
}

/** The unscaled integer of a decimal-like value at `scale` (HALF_UP); null for non-numbers. */
export function unscaledAt(v: unknown, scale: number): bigint | null {
  const p = decimalParts(v);
  return p === null ? null : rescale(p.u, p.s, scale);
}

/** Text of a DecimalType value with exactly `scale` fraction digits (12.50, 12345678901234567890.12). */
export function decimalText(v: unknown, scale: number): string {
  // toFixed prints the double's binary expansion: exact text only while all digits fit 15.
  if (typeof v === "number" && scale <= 5 && Math.abs(v) < 1e9) return v.toFixed(scale);
  const p = decimalParts(v);
  return p === null ? String(v) : unscaledText(rescale(p.u, p.s, scale), scale);
}

/** Exact comparison of two decimal-like values (number, bigint, Decimal). */
export function compareDecimals(a: unknown, b: unknown): number {
  const x = decimalParts(a), y = decimalParts(b);
  if (x === null || y === null) {
    const p = Number(a), q = Number(b);
    return p < q ? -1 : p > q ? 1 : 0;
  }
  const s = Math.max(x.s, y.s);
  const l = x.u * pow10(s - x.s), r = y.u * pow10(s - y.s);
  return l < r ? -1 : l > r ? 1 : 0;
}

/** `u * 10^-s` with the fraction's trailing zeros dropped (1.500 -> 1.5). */
function withoutTrailingZeros(u: bigint, s: number): DecimalParts {
  while (s > 0 && u % 10n === 0n) { u /= 10n; s--; }
  return { u, s };
}

/** Canonical text of a Decimal's value (trailing zeros dropped), for keys and hashes. */
export function decimalKeyText(d: Decimal): string {
  const p = withoutTrailingZeros(d.unscaled, d.scale);
  return unscaledText(p.u, p.s);
}
