// Pushed filters, evaluated two ways: exactly on a row of partition values (partition pruning,
// SQL three-valued logic) and conservatively on min/max/null-count statistics (Parquet row-group
// skipping): a statistics check may only say "cannot match" when no row can match.

import type { PushedFilter } from "../datasource-contract";
import type { Row } from "./types";
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
  switch (f.op) {
    case "and": case "or": return [...filterColumns(f.left), ...filterColumns(f.right)];
    case "not": return filterColumns(f.child);
    default: return [f.column];
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
  switch (f.op) {
    case "and": {
      const l = evalFilter(f.left, row), r = evalFilter(f.right, row);
      if (l === false || r === false) return false;
      return l === null || r === null ? null : true;
    }
    case "or": {
      const l = evalFilter(f.left, row), r = evalFilter(f.right, row);
      if (l === true || r === true) return true;
      return l === null || r === null ? null : false;
    }
    case "not": {
      const c = evalFilter(f.child, row);
      return c === null ? null : !c;
    }
    case "isNull": return lookup(row, f.column) == null;
    case "isNotNull": return lookup(row, f.column) != null;
    case "in": {
      const v = lookup(row, f.column);
      if (v == null) return null;
      let sawNull = false;
      for (const x of f.values) {
        if (x == null) sawNull = true;
        else if (compareValues(v, x) === 0) return true;
      }
      return sawNull ? null : false;
    }
    case "startsWith": case "endsWith": case "contains": {
      const v = lookup(row, f.column);
      if (v == null) return null;
      const t = String(v);
      return f.op === "startsWith" ? t.startsWith(f.value) : f.op === "endsWith" ? t.endsWith(f.value) : t.includes(f.value);
    }
    case "nullSafeEq": {
      const v = lookup(row, f.column);
      if (v == null || f.value == null) return v == null && f.value == null;
      return compareValues(v, f.value) === 0;
    }
    default: {
      const c = compareValues(lookup(row, f.column), f.value);
      if (c === null) return null;
      switch (f.op) {
        case "eq": return c === 0;
        case "lt": return c < 0;
        case "le": return c <= 0;
        case "gt": return c > 0;
        case "ge": return c >= 0;
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
  switch (f.op) {
    case "and": return mightMatch(f.left, stats) && mightMatch(f.right, stats);
    case "or": return mightMatch(f.left, stats) || mightMatch(f.right, stats);
    case "not": return true; // negations of range checks are not worth the subtlety
    default: break;
  }
  const s = stats(f.column);
  if (!s) return true;
  const allNull = s.nullCount !== undefined && s.nullCount >= s.numValues;
  switch (f.op) {
    case "isNull": return s.nullCount === undefined || s.nullCount > 0;
    case "isNotNull": return !allNull;
    case "startsWith": {
      if (allNull) return false;
      if (typeof s.min !== "string" || typeof s.max !== "string") return true;
      const p = f.value;
      return !(s.max < p && !s.max.startsWith(p)) && !(s.min.slice(0, p.length) > p);
    }
    case "endsWith": case "contains": return !allNull; // min/max say nothing about suffixes or substrings
    case "nullSafeEq":
      if (f.value == null) return s.nullCount === undefined || s.nullCount > 0;
      return inRange(f.value, s, allNull);
    case "eq": return f.value == null ? false : inRange(f.value, s, allNull);
    case "in": return f.values.some((v) => v != null && inRange(v, s, allNull));
    case "lt": case "le": {
      if (allNull || f.value == null) return false;
      const c = compareValues(s.min, f.value);
      if (c === null) return true;
      return f.op === "lt" ? c < 0 : c <= 0;
    }
    case "gt": case "ge": {
      if (allNull || f.value == null) return false;
      const c = compareValues(s.max, f.value);
      if (c === null) return true;
      return f.op === "gt" ? c > 0 : c >= 0;
    }
  }
}

function inRange(v: unknown, s: ColumnStats, allNull: boolean): boolean {
  if (allNull) return false;
  const lo = compareValues(v, s.min), hi = compareValues(v, s.max);
  if (lo === null || hi === null) return true;
  return lo >= 0 && hi <= 0;
}
