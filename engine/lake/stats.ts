// Per-file statistics in the add action (`stats` JSON: numRecords, minValues, maxValues,
// nullCount) and data skipping with them: a file whose statistics prove a pushed filter false is
// not read. Strings are indexed up to 32 characters (delta.dataSkippingStringPrefixLength), the
// first 32 columns (delta.dataSkippingNumIndexedCols), as Delta does.

import { Decimal, compareDecimals } from "../common/decimal";
import type { ColumnStats, } from "../sql/datasources/filters";
import type { Row } from "../sql/datasources/types";
import type { DataType, StructField } from "../sql/types";
import { formatDateValue } from "./values";

export interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, number>;
}

const STRING_PREFIX = 32;
const INDEXED_COLS = 32;
const ORDERED = new Set(["byte", "short", "integer", "long", "float", "double", "decimal", "string", "date", "timestamp"]);

function cmp(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === "bigint" || typeof b === "bigint" || a instanceof Decimal || b instanceof Decimal) return compareDecimals(a, b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Statistics of the rows of one file over its data (non-partition) columns. */
export function computeStats(rows: Row[], fields: StructField[]): FileStats {
  const s: FileStats = { numRecords: rows.length, minValues: {}, maxValues: {}, nullCount: {} };
  for (const f of fields.slice(0, INDEXED_COLS)) {
    let nulls = 0;
    let min: unknown, max: unknown;
    const ordered = ORDERED.has(f.dataType.type);
    for (const r of rows) {
      const v = r[f.name];
      if (v === null || v === undefined) { nulls++; continue; }
      if (!ordered || (typeof v === "number" && Number.isNaN(v))) continue;
      if (min === undefined || cmp(v, min) < 0) min = v;
      if (max === undefined || cmp(v, max) > 0) max = v;
    }
    s.nullCount[f.name] = nulls;
    if (min !== undefined && statAllowed(min, f.dataType) && statAllowed(max, f.dataType)) {
      s.minValues[f.name] = statJson(min, f.dataType);
      s.maxValues[f.name] = statJson(max, f.dataType);
    }
  }
  return s;
}

function statAllowed(v: unknown, dt: DataType): boolean {
  // A bound a JSON number cannot hold exactly (a long beyond 2^53, a wide decimal) is left out,
  // so data skipping never prunes a file on a rounded bound.
  if (typeof v === "bigint" || v instanceof Decimal) return false;
  return dt.type !== "string" || (v as string).length <= STRING_PREFIX;
}

function statJson(v: unknown, dt: DataType): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return dt.type === "date" ? formatDateValue(v) : v.toISOString();
  return v;
}

/** Parse an add's stats into the engine's value types for `dt`. */
function statValue(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return undefined;
  if (dt.type === "date" || dt.type === "timestamp") {
    const d = new Date(typeof v === "string" && dt.type === "date" && v.length === 10 ? v + "T00:00:00Z" : (v as string));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return v;
}

/** A stats lookup for filters.mightMatch, or undefined when the file has no (usable) stats. */
export function statsLookup(statsJson: string | null | undefined, fields: StructField[]): ((column: string) => ColumnStats | undefined) | undefined {
  if (!statsJson) return undefined;
  let j: Partial<FileStats>;
  try { j = JSON.parse(statsJson) as Partial<FileStats>; } catch { return undefined; }
  if (typeof j.numRecords !== "number") return undefined;
  const byName = new Map(fields.map((f) => [f.name, f]));
  return (column) => {
    const f = byName.get(column);
    if (!f) return undefined;
    const min = statValue(j.minValues?.[column], f.dataType);
    const max = statValue(j.maxValues?.[column], f.dataType);
    const nullCount = j.nullCount?.[column];
    // Timestamps in stats are truncated to milliseconds: widen the max by 1 ms as Delta does.
    const maxAdj = max instanceof Date && f.dataType.type === "timestamp" ? new Date(max.getTime() + 1) : max;
    if (min === undefined && nullCount === undefined) return undefined;
    return { min, max: maxAdj, nullCount: typeof nullCount === "number" ? nullCount : undefined, numValues: j.numRecords! };
  };
}

export function numRecords(statsJson: string | null | undefined): number | undefined {
  if (!statsJson) return undefined;
  try { const n = (JSON.parse(statsJson) as { numRecords?: unknown }).numRecords; return typeof n === "number" ? n : undefined; } catch { return undefined; }
}
