// The in-memory columnar cache (Spark's InMemoryRelation / CachedBatch): a cached DataFrame's
// partitions are stored as column batches of up to CACHE_BATCH_ROWS rows (Spark's
// spark.sql.inMemoryColumnarStorage.batchSize, 10000), numeric columns in Float64Arrays (Int32Arrays
// for byte/short/int), run-length encoded when a null-free one has few runs, string columns with
// few distinct values dictionary-encoded (codes in a Uint8Array/Uint16Array). A few
// typed arrays per batch instead of a boxed number per cell make the cache smaller and keep the
// garbage collector from walking millions of cached objects. Reading gives back the rows the
// row path held (./batch.ts valueAt), optionally only some of the columns.

import { registerShippable } from "../../../common/closure";
import type { RDD } from "../../../rdd";
import { rowBatches, runLengthOr, valueAt, type ColumnBatch } from "../../column-batch";

/** Rows to column batches of BATCH_ROWS; `numeric[c]` says column c's type holds JS numbers (column-batch.ts isNumberType). */
export const cacheBatches = registerShippable("sql.cacheBatches", function* cacheBatches(numeric: boolean[], it: Iterable<unknown[]>, types?: string[]): Generator<ColumnBatch> {
  for (const b of rowBatches(it, numeric, types)) yield { length: b.length, columns: b.columns.map(runLengthOr) };
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
      else if (v.kind === "dict") { const codes = v.codes, d = v.dict; for (let i = 0; i < n; i++) rows[i]![c] = d[codes[i]!]; }
      else if (v.kind === "rle") { let i = 0; for (let r = 0; r < v.ends.length; r++) { const x = v.values[r]!, end = Math.min(v.ends[r]!, n); for (; i < end; i++) rows[i]![c] = x; } }
      else for (let i = 0; i < n; i++) rows[i]![c] = valueAt(v, i);
    }
    for (let i = 0; i < n; i++) yield rows[i]!;
  }
});

/**
 * The rows of a cached relation read as a subset of its columns (`positions` in the batches):
 * all its rows (`rows`) when that is every column, else the narrowed rows of the batches.
 */
export function cachedScanRows(cached: { batches: unknown; positions: number[]; width: number }, rows: RDD<unknown[]>): RDD<unknown[]> {
  if (cached.positions.length === cached.width || !cached.batches) return rows; // (no batches: explain of a cache not filled yet)
  const positions = cached.positions;
  return (cached.batches as RDD<ColumnBatch>).mapPartitions((it: Iterable<ColumnBatch>) => cachedRows(it, positions), true);
}
