// Pushed filters, evaluated two ways: exactly on a row of partition values (partition pruning,
// SQL three-valued logic) and conservatively on min/max/null-count statistics (Parquet row-group
// skipping): a statistics check may only say "cannot match" when no row can match.

import type { PushedFilter, Row } from "./types";
import { Decimal, compareDecimals } from "../../common/decimal";

/** Total order over the scalar values a filter can hold (numbers, bigints, strings, Dates, booleans). */
export function compareValues(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (a instanceof Decimal || b instanceof Decimal) {
    const num = (x: unknown) => x instanceof Decimal || typeof x === "bigint" || (typeof x === "number" && !Number.isNaN(x));
    if (num(a) && num(b)) return compareDecimals(a, b);
  }
  if (a instanceof Date) a = a.getTime();
  if (b instanceof Date) b = b.getTime();
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    if (typeof a === "number" && Number.isNaN(a)) return typeof b === "number" && Number.isNaN(b) ? 0 : 1; // NaN is largest, like Spark
    if (typeof b === "number" && Number.isNaN(b)) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  // Mixed kinds (e.g. a number against a numeric string): compare as Spark's non-ANSI cast would.
  if (typeof a === "string" && (typeof b === "number" || typeof b === "bigint")) return compareValues(Number(a), b);
  if (typeof b === "string" && (typeof a === "number" || typeof a === "bigint")) return compareValues(a, Number(b));
  return null;
}

/** Columns a filter mentions. */
export function filterColumns(f: PushedFilter): string[] {
  switch (f.type) {
    case "And": case "Or": return [...filterColumns(f.left), ...filterColumns(f.right)];
    case "Not": return filterColumns(f.child);
    default: return [f.attribute];
  }
}

function lookup(row: Row, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(row)) if (k.toLowerCase() === lower) return row[k];
  return undefined;
}

/** SQL evaluation of a filter on a row: true, false or null (unknown). */
export function evalFilter(f: PushedFilter, row: Row): boolean | null {
  switch (f.type) {
    case "And": {
      const l = evalFilter(f.left, row), r = evalFilter(f.right, row);
      if (l === false || r === false) return false;
      return l === null || r === null ? null : true;
    }
    case "Or": {
      const l = evalFilter(f.left, row), r = evalFilter(f.right, row);
      if (l === true || r === true) return true;
      return l === null || r === null ? null : false;
    }
    case "Not": {
      const c = evalFilter(f.child, row);
      return c === null ? null : !c;
    }
    case "IsNull": return lookup(row, f.attribute) == null;
    case "IsNotNull": return lookup(row, f.attribute) != null;
    case "In": {
      const v = lookup(row, f.attribute);
      if (v == null) return null;
      let sawNull = false;
      for (const x of f.values) {
        if (x == null) sawNull = true;
        else if (compareValues(v, x) === 0) return true;
      }
      return sawNull ? null : false;
    }
    case "StringStartsWith": {
      const v = lookup(row, f.attribute);
      return v == null ? null : String(v).startsWith(f.value);
    }
    case "EqualNullSafe": {
      const v = lookup(row, f.attribute);
      if (v == null || f.value == null) return v == null && f.value == null;
      return compareValues(v, f.value) === 0;
    }
    default: {
      const c = compareValues(lookup(row, f.attribute), f.value);
      if (c === null) return null;
      switch (f.type) {
        case "EqualTo": return c === 0;
        case "LessThan": return c < 0;
        case "LessThanOrEqual": return c <= 0;
        case "GreaterThan": return c > 0;
        case "GreaterThanOrEqual": return c >= 0;
      }
    }
  }
}

/** Statistics of one column in one row group (or file). Missing min/max: unknown. */
export interface ColumnStats {
  min?: unknown;
  max?: unknown;
  nullCount?: number;
  numValues: number;
}

/**
 * May any row in a block with these statistics satisfy the filter? Returns false only when
 * the statistics prove that no row can. Columns without statistics never prune.
 */
export function mightMatch(f: PushedFilter, stats: (column: string) => ColumnStats | undefined): boolean {
  switch (f.type) {
    case "And": return mightMatch(f.left, stats) && mightMatch(f.right, stats);
    case "Or": return mightMatch(f.left, stats) || mightMatch(f.right, stats);
    case "Not": return true; // negations of range checks are not worth the subtlety
    default: break;
  }
  const s = stats(f.attribute);
  if (!s) return true;
  const allNull = s.nullCount !== undefined && s.nullCount >= s.numValues;
  switch (f.type) {
    case "IsNull": return s.nullCount === undefined || s.nullCount > 0;
    case "IsNotNull": return !allNull;
    case "StringStartsWith": {
      if (allNull) return false;
      if (typeof s.min !== "string" || typeof s.max !== "string") return true;
      const p = f.value;
      return !(s.max < p && !s.max.startsWith(p)) && !(s.min.slice(0, p.length) > p);
    }
    case "EqualNullSafe":
      if (f.value == null) return s.nullCount === undefined || s.nullCount > 0;
      return inRange(f.value, s, allNull);
    case "EqualTo": return f.value == null ? false : inRange(f.value, s, allNull);
    case "In": return f.values.some((v) => v != null && inRange(v, s, allNull));
    case "LessThan": case "LessThanOrEqual": {
      if (allNull || f.value == null) return false;
      const c = compareValues(s.min, f.value);
      if (c === null) return true;
      return f.type === "LessThan" ? c < 0 : c <= 0;
    }
    case "GreaterThan": case "GreaterThanOrEqual": {
      if (allNull || f.value == null) return false;
      const c = compareValues(s.max, f.value);
      if (c === null) return true;
      return f.type === "GreaterThan" ? c > 0 : c >= 0;
    }
  }
}

function inRange(v: unknown, s: ColumnStats, allNull: boolean): boolean {
  if (allNull) return false;
  const lo = compareValues(v, s.min), hi = compareValues(v, s.max);
  if (lo === null || hi === null) return true;
  return lo >= 0 && hi <= 0;
}
