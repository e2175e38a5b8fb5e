// The top n rows of a columnar stage's batches in ORDER BY order (the per-partition half of
// TakeOrderedAndProject), without turning the other rows into row arrays: a candidate is a
// (batch, row) pair with its key tuple, and once n candidates are kept any row whose key is not
// before the n-th one's is skipped; when the first sort key is a number vector that test reads
// the typed values, and only a row tying the bound on it builds its key tuple. The candidates are
// cut to n whenever they reach max(2n, 1024), as the row path's takeOrderedRows cuts its buffer,
// and the order is the row path's (sort-order.ts): stable, compareSortKeys' null and NaN rules.
// Only the n rows that are kept become rows.

import type { SortExpr } from "../../expressions/expression";
import type { EvalContext } from "../../expressions/registry";
import { valueAt, type ColumnBatch, type ColumnVector, type Numbers } from "../../column-batch";
import { compareSortKeys, sortedPositions, type SortKeySpec } from "../sort-order";
import { compileVector, type VecFn } from "./vector-expr";

export interface ColumnarTopKSpec {
  /** Sort orders bound to the stage's output columns. */
  orders: SortExpr[];
  n: number;
}

/** compareSortKeys on one key of numbers (NaN above every number, -0 equal to 0) or nulls. */
function compareFirst(x: number | null, y: number | null, d: SortKeySpec): number {
  if (x === null || y === null) return x === y ? 0 : (x === null) === d.nullsFirst ? -1 : 1;
  const c = x === y ? 0 : x !== x ? (y !== y ? 0 : 1) : y !== y ? -1 : x < y ? -1 : 1;
  return d.ascending ? c : -c;
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
  private readonly keys: unknown[][] = [];
  /** The n-th candidate's key once n are kept: a row whose key is not before it is skipped. */
  private bound: unknown[] | undefined;

  constructor(spec: ColumnarTopKSpec, ctx: EvalContext) {
    this.keyFns = spec.orders.map((o) => compileVector(o.child, ctx));
    this.dirs = spec.orders.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst }));
    this.n = spec.n;
    this.cap = Math.max(2 * spec.n, 1024);
  }

  add(b: ColumnBatch): void {
    const len = b.length;
    if (len === 0 || this.n === 0) return;
    const at = this.batches.length;
    this.batches.push(b);
    const kv = this.keyFns.map((f) => f(b));
    const first = kv[0]!;
    if (first.kind === "f64") this.addNumberFirst(kv, first.values, first.nulls, at, len);
    else for (let i = 0; i < len; i++) this.offer(kv, at, i);
  }

  /**
   * Rows whose first key is a number (or null) vector: while the bound's first key is a number
   * or null, a row strictly after it on that key is skipped without building its key tuple.
   */
  private addNumberFirst(kv: ColumnVector[], vals: Numbers, nulls: Uint8Array | null, at: number, len: number): void {
    const d = this.dirs[0]!;
    for (let i = 0; i < len; i++) {
      const bound = this.bound;
      if (bound !== undefined) {
        const y = bound[0];
        if (y === null || typeof y === "number") {
          const x = nulls !== null && nulls[i] === 1 ? null : vals[i]!;
          const c = compareFirst(x, y, d);
          if (c > 0 || (c === 0 && kv.length === 1)) continue;
        }
      }
      this.offer(kv, at, i);
    }
  }

  /** Row i as a candidate unless its key is not before the bound's. */
  private offer(kv: ColumnVector[], at: number, i: number): void {
    const k = kv.length, key = new Array<unknown>(k);
    for (let j = 0; j < k; j++) key[j] = valueAt(kv[j]!, i);
    if (this.bound !== undefined && compareSortKeys(key, this.bound, this.dirs) >= 0) return;
    this.keys.push(key);
    this.batchOf.push(at);
    this.rowOf.push(i);
    if (this.keys.length >= this.cap) this.cut();
  }

  private order(): number[] {
    return sortedPositions({ tuples: this.keys, dirs: this.dirs }, this.keys.length);
  }

  /** Keep the first n candidates in key order, and their n-th key as the bound. */
  private cut(): void {
    const keep = this.order().slice(0, this.n);
    const pick = <T>(a: T[]) => { const kept = keep.map((i) => a[i]!); a.length = 0; for (const x of kept) a.push(x); };
    pick(this.batchOf);
    pick(this.rowOf);
    pick(this.keys);
    if (keep.length === this.n) this.bound = this.keys[this.n - 1];
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
