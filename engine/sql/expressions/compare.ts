// Ordering and equality of SQL values of the same type (after coercion): NaN equals NaN and is
// larger than every other number (Spark semantics), dates by instant, arrays and structs
// lexicographically, binary bytewise. Nulls are handled by callers (three-valued logic, NULLS
// FIRST/LAST).

import { Decimal, compareDecimals } from "../../common/decimal";

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  const ta = typeof a;
  // Timestamps first among objects: min/max of event time compare them once per streamed row.
  if (ta === "object" && a instanceof Date && b instanceof Date) {
    const x = a.getTime(), y = b.getTime();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof Decimal || b instanceof Decimal) {
    // Exact decimals (beyond a double's 15 digits) compare exactly with each other and with numbers.
    if (typeof a === "number" && Number.isNaN(a)) return 1;
    if (typeof b === "number" && Number.isNaN(b)) return -1;
    return compareDecimals(a, b);
  }
  if (ta === "number" || ta === "bigint") {
    if (typeof b !== "number" && typeof b !== "bigint") return ta < typeof b ? -1 : 1;
    const an = typeof a === "number" && Number.isNaN(a), bn = typeof b === "number" && Number.isNaN(b);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (ta === "string") return typeof b === "string" ? (a < b ? -1 : a > b ? 1 : 0) : -1;
  if (ta === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) {
    const x = a.getTime(), y = b.getTime();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length - b.length;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  if (typeof a === "object" && typeof b === "object") {
    const va = Object.values(a as object), vb = Object.values(b as object);
    return compareValues(va, vb);
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

