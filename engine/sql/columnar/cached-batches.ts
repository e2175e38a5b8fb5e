// The in-memory columnar cache (Spark's InMemoryRelation / CachedBatch): a cached DataFrame's
// partitions are stored as column batches of up to CACHE_BATCH_ROWS rows (Spark's
// spark.sql.inMemoryColumnarStorage.batchSize, 10000), numeric columns in Float64Arrays. A few
// typed arrays per batch instead of a boxed number per cell make the cache smaller and keep the
// garbage collector from walking millions of cached objects. Reading gives back the rows the
// row path held (./batch.ts valueAt), optionally only some of the columns.

import { registerShippable } from "../../common/closure";
import type { RDD } from "../../rdd";
import type { Attr } from "../expressions/expression";
import { rowsToBatch, valueAt, type ColumnBatch } from "./batch";

export const CACHE_BATCH_ROWS = 10_000;

/** Rows to column batches; `numeric[c]` says column c's type holds JS numbers (./batch.ts isNumberType). */
export const cacheBatches = registerShippable("sql.cacheBatches", function* cacheBatches(numeric: boolean[], it: Iterable<unknown[]>, types?: string[]): Generator<ColumnBatch> {
  let rows: unknown[][] = [];
  for (const r of it) {
    rows.push(r);
    if (rows.length === CACHE_BATCH_ROWS) { yield rowsToBatch(rows, numeric, types); rows = []; }
  }
  if (rows.length > 0) yield rowsToBatch(rows, numeric, types);
});

/** The rows of cached batches; with `columns`, rows of just those column positions, in that order. */
export const cachedRows = registerShippable("sql.cachedRows", function* cachedRows(it: Iterable<ColumnBatch>, columns?: number[]): Generator<unknown[]> {
  for (const b of it) {
    const cols = columns ? columns.map((c) => b.columns[c]!) : b.columns, w = cols.length, n = b.length;
    const rows = new Array<unknown[]>(n);
    for (let i = 0; i < n; i++) rows[i] = new Array<unknown>(w);
    // Column by column: one tight loop per column kind.
    for (let c = 0; c < w; c++) {
      const v = cols[c]!;
      if (v.kind === "f64" && v.nulls === null) { const a = v.values; for (let i = 0; i < n; i++) rows[i]![c] = a[i]; }
      else if (v.kind === "any") { const a = v.values; for (let i = 0; i < n; i++) rows[i]![c] = a[i]; }
      else for (let i = 0; i < n; i++) rows[i]![c] = valueAt(v, i);
    }
    for (let i = 0; i < n; i++) yield rows[i]!;
  }
});

/**
 * A cached relation read as `output` (a subset of `all`, by expression id): the positions of its
 * columns in the batches and, when that is not all of them, the RDD of the narrowed rows.
 */
export function cachedColumns(cached: { batches: unknown; all: Attr[] }, output: Attr[]): { positions: number[]; rows?: RDD<unknown[]> } {
  const positions = output.map((a) => cached.all.findIndex((x) => x.id === a.id));
  if (output.length === cached.all.length || !cached.batches) return { positions }; // (no batches: explain of a cache not filled yet)
  return { positions, rows: (cached.batches as RDD<ColumnBatch>).mapPartitions((it: Iterable<ColumnBatch>) => cachedRows(it, positions), true) };
}
