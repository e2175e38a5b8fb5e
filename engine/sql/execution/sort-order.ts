// The order of sort keys (ORDER BY's directions and null placement) and the stable sort of
// positions by precomputed keys: one home for the row operators (operators.ts, windows) and the
// columnar top-k (columnar/columnar-sort.ts), so both paths order rows identically.

import { compareValues } from "../expressions/compare";

export interface SortKeySpec {
  ascending: boolean;
  nullsFirst: boolean;
}

/** Compare two sort-key arrays by per-position direction and null placement. */
export function compareSortKeys(a: unknown[], b: unknown[], dirs: SortKeySpec[]): number {
  for (let i = 0; i < dirs.length; i++) {
    const x = a[i], y = b[i], d = dirs[i]!;
    const xn = x === null || x === undefined, yn = y === null || y === undefined;
    if (xn || yn) {
      if (xn && yn) continue;
      return xn === d.nullsFirst ? -1 : 1;
    }
    const c = compareValues(x, y);
    if (c !== 0) return d.ascending ? c : -c;
  }
  return 0;
}

/**
 * Keys of one number sort key (no null, no NaN: they compare as compareSortKeys does, -0 equal
 * to 0) in a Float64Array, or each row's key tuple.
 */
export type SortKeys = { numbers: Float64Array; ascending: boolean } | { tuples: unknown[][]; dirs: SortKeySpec[] };

/** Positions 0..n-1 in key order, stably (equal keys keep their position order). */
export function sortedPositions(keys: SortKeys, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if ("numbers" in keys) {
    const k = keys.numbers, up = keys.ascending;
    return order.sort((a, b) => { const x = k[a]!, y = k[b]!; return x < y ? (up ? -1 : 1) : x > y ? (up ? 1 : -1) : a - b; });
  }
  const t = keys.tuples, dirs = keys.dirs;
  return order.sort((a, b) => compareSortKeys(t[a]!, t[b]!, dirs) || a - b);
}
