// The top n rows of a columnar stage's batches in ORDER BY order (the per-partition half of
// TakeOrderedAndProject), without turning the other rows into row arrays: sort keys are read
// from key vectors, a candidate is a (batch, row) pair, and once n candidates are kept any row
// whose key is not before the n-th one's is skipped on its key alone. The candidates are cut to n
// whenever they reach max(2n, 1024), as the row path's takeOrderedRows cuts its buffer, and the
// order is the row path's (sort-order.ts): stable, compareSortKeys' null and NaN rules. Only the
// n rows that are kept become rows.

import type { SortExpr } from "../../expressions/expression";
import type { EvalContext } from "../../expressions/registry";
import { valueAt, type ColumnBatch, type ColumnVector } from "../../column-batch";
import { compareSortKeys, sortedPositions, type SortKeySpec } from "../sort-order";
import { compileVector, type VecFn } from "./vector-expr";

export interface ColumnarTopKSpec {
  /** Sort orders bound to the stage's output columns. */
  orders: SortExpr[];
  n: number;
}

export class ColumnarTopK {
  private readonly keyFns: VecFn[];
  private readonly dirs: SortKeySpec[];
  private readonly n: number;
  private readonly cap: number;
  /** Batches holding candidates (null once none does). */
  private readonly batches: (ColumnBatch | null)[] = [];
  /** Candidates in arrival order (after a cut: the kept ones in key order, then new arrivals). */
  private readonly batchOf: number[] = [];
  private readonly rowOf: number[] = [];
  /** One number key without null or NaN so far: its values; else every candidate's key tuple. */
  private numbers: number[] | null = [];
  private tuples: unknown[][] = [];
  /** The n-th candidate's key once n are kept: a row whose key is not before it is skipped. */
  private bound: number | unknown[] | undefined;

  constructor(spec: ColumnarTopKSpec, ctx: EvalContext) {
    this.keyFns = spec.orders.map((o) => compileVector(o.child, ctx));
    this.dirs = spec.orders.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst }));
    this.n = spec.n;
    this.cap = Math.max(2 * spec.n, 1024);
    if (this.keyFns.length !== 1) this.numbers = null;
  }

  add(b: ColumnBatch): void {
    const len = b.length;
    if (len === 0 || this.n === 0) return;
    const at = this.batches.length;
    this.batches.push(b);
    const kv = this.keyFns.map((f) => f(b));
    let from = 0;
    if (this.numbers) {
      const v = kv[0]!;
      if (v.kind === "f64" && v.nulls === null) {
        from = this.addNumbers(v.values, at, len);
        if (from === len) return;
      }
      this.toTuples();
    }
    this.addTuples(kv, at, from, len);
  }

  /** Rows of a number key from `from` on; returns where a NaN stopped it (len when none did). */
  private addNumbers(vals: ArrayLike<number>, at: number, len: number): number {
    const up = this.dirs[0]!.ascending, numbers = this.numbers!;
    for (let i = 0; i < len; i++) {
      const x = vals[i]!;
      if (x !== x) return i;
      const bound = this.bound as number | undefined;
      if (bound !== undefined && (up ? x >= bound : x <= bound)) continue;
      numbers.push(x);
      this.batchOf.push(at);
      this.rowOf.push(i);
      if (numbers.length >= this.cap) this.cut();
    }
    return len;
  }

  private addTuples(kv: ColumnVector[], at: number, from: number, len: number): void {
    const dirs = this.dirs, k = kv.length;
    for (let i = from; i < len; i++) {
      const key = new Array<unknown>(k);
      for (let j = 0; j < k; j++) key[j] = valueAt(kv[j]!, i);
      const bound = this.bound as unknown[] | undefined;
      if (bound !== undefined && compareSortKeys(key, bound, dirs) >= 0) continue;
      this.tuples.push(key);
      this.batchOf.push(at);
      this.rowOf.push(i);
      if (this.tuples.length >= this.cap) this.cut();
    }
  }

  /** The number keys so far as tuples (a null, a NaN or a non-number key vector came). */
  private toTuples(): void {
    this.tuples = this.numbers!.map((x) => [x]);
    if (this.bound !== undefined) this.bound = [this.bound];
    this.numbers = null;
  }

  private order(): number[] {
    const count = this.batchOf.length;
    return this.numbers
      ? sortedPositions({ numbers: Float64Array.from(this.numbers), ascending: this.dirs[0]!.ascending }, count)
      : sortedPositions({ tuples: this.tuples, dirs: this.dirs }, count);
  }

  /** Keep the first n candidates in key order, and their n-th key as the bound. */
  private cut(): void {
    const keep = this.order().slice(0, this.n);
    // In place: addNumbers holds the key array.
    const pick = <T>(a: T[]) => { const kept = keep.map((i) => a[i]!); a.length = 0; for (const x of kept) a.push(x); };
    pick(this.batchOf);
    pick(this.rowOf);
    if (this.numbers) pick(this.numbers); else pick(this.tuples);
    if (keep.length === this.n) this.bound = this.numbers ? this.numbers[this.n - 1] : this.tuples[this.n - 1];
    // Earlier batches no candidate is in any more can go (a file scan's, not held elsewhere); the
    // batch being added stays, its later rows may yet be kept.
    const used = new Set(this.batchOf);
    for (let j = 0; j < this.batches.length - 1; j++) if (!used.has(j)) this.batches[j] = null;
  }

  /** The first n rows in order, as row arrays. */
  rows(): unknown[][] {
    return this.order().slice(0, this.n).map((c) => {
      const b = this.batches[this.batchOf[c]!]!, r = this.rowOf[c]!;
      return b.columns.map((v) => valueAt(v, r));
    });
  }
}
