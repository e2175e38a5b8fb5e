// Vectorized partial hash aggregate: group ids per batch from the key columns, then one tight
// loop per aggregate over the batch. sum / avg / count / min / max over number columns have typed
// kernels that reproduce the row runtime's buffers exactly (same update order, first value taken
// as-is for sum/min/max, compareValues' NaN and -0 rules); a sum that would leave the safe integer
// range switches that aggregate to the row runtime at that row (which promotes to bigint as the
// row path does). Every other aggregate (distinct, collect_*, strings, bigints...) runs the row
// runtime's update per row over the batch. Output: one [...key, ...buffers] row per group, in
// first-seen order, the same rows the row path's partialAggregate yields.

import { normalizeKey, type NormalKey } from "../../../common/keys";
import type { Expr } from "../../expressions/expression";
import { aggRuntime, type AggRuntime } from "../../expressions/aggregates";
import type { EvalContext } from "../../expressions/registry";
import { isNullAt, valueAt, type ColumnBatch, type ColumnVector } from "../../column-batch";
import { compileVector, type VecFn } from "./vector-expr";
import { avgLoop, avgOneLoop, countLoop, countValuesLoop, minMaxLoop, minMaxOneLoop, sumLoop, sumOneLoop } from "./agg-loops";

const DENSE = 1 << 16;

interface AggKernel {
  /** Update groups `gids[from..n)` with the batch's argument values. */
  update(gids: Int32Array, b: ColumnBatch, nGroups: number): void;
  buffer(g: number): unknown;
}

function grow<T extends Float64Array | Uint8Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const out = new (a.constructor as { new(n: number): T })(Math.max(n, a.length * 2));
  out.set(a);
  return out;
}

/** The row runtime over batch rows (any aggregate, any vector). */
class GenericKernel implements AggKernel {
  bufs: unknown[] = [];
  constructor(private readonly rt: AggRuntime, private readonly args: VecFn[]) {}
  update(gids: Int32Array, b: ColumnBatch, nGroups: number, from = 0, vecs?: ColumnVector[]): void {
    while (this.bufs.length < nGroups) this.bufs.push(this.rt.init());
    const cols = vecs ?? this.args.map((f) => f(b));
    const k = cols.length;
    for (let i = from; i < b.length; i++) {
      const vals = new Array<unknown>(k);
      for (let j = 0; j < k; j++) vals[j] = valueAt(cols[j]!, i);
      const g = gids[i]!;
      this.bufs[g] = this.rt.update(this.bufs[g], vals);
    }
  }
  buffer(g: number): unknown { return this.bufs[g]; }
}

/** sum, min, max: a value per group plus a seen flag; falls back to the row runtime when needed. */
class ValueKernel implements AggKernel {
  acc = new Float64Array(16);
  seen = new Uint8Array(16);
  generic: GenericKernel | null = null;
  constructor(private readonly op: "sum" | "min" | "max", private readonly rt: AggRuntime, private readonly arg: VecFn, private readonly exactLong = true) {}

  private toGeneric(nGroups: number): GenericKernel {
    const g = new GenericKernel(this.rt, [this.arg]);
    for (let i = 0; i < nGroups; i++) g.bufs.push(this.seen[i] ? this.acc[i] : null);
    this.generic = g;
    return g;
  }

  update(gids: Int32Array, b: ColumnBatch, nGroups: number): void {
    if (this.generic) return this.generic.update(gids, b, nGroups);
    const v = this.arg(b);
    this.acc = grow(this.acc, nGroups);
    this.seen = grow(this.seen, nGroups);
    if (v.kind !== "f64") return this.toGeneric(nGroups).update(gids, b, nGroups, 0, [v]);
    const n = b.length;
    if (this.op !== "sum") {
      const sign = this.op === "max" ? 1 : -1;
      if (nGroups === 1) minMaxOneLoop(v.values, v.nulls, this.acc, this.seen, n, sign);
      else minMaxLoop(gids, v.values, v.nulls, this.acc, this.seen, n, sign);
      return;
    }
    // One group (a global aggregate, or one key so far): every gid is 0, the sum stays in a register.
    const stop = nGroups === 1 ? sumOneLoop(v.values, v.nulls, this.acc, this.seen, n, this.exactLong) : sumLoop(gids, v.values, v.nulls, this.acc, this.seen, n, this.exactLong);
    // A long sum outside the safe range switches to bigint in the row runtime: it takes over at that row.
    if (stop >= 0) this.toGeneric(nGroups).update(gids, b, nGroups, stop, [v]);
  }

  buffer(g: number): unknown {
    if (this.generic) return this.generic.buffer(g);
    return this.seen[g] ? this.acc[g] : null;
  }
}

/** avg: [sum, count] with the sum starting at 0, as the row runtime's buffer. */
class AvgKernel implements AggKernel {
  sum = new Float64Array(16);
  cnt = new Float64Array(16);
  generic: GenericKernel | null = null;
  constructor(private readonly rt: AggRuntime, private readonly arg: VecFn) {}
  update(gids: Int32Array, b: ColumnBatch, nGroups: number): void {
    if (this.generic) return this.generic.update(gids, b, nGroups);
    const v = this.arg(b);
    this.sum = grow(this.sum, nGroups);
    this.cnt = grow(this.cnt, nGroups);
    if (v.kind !== "f64") {
      const g = new GenericKernel(this.rt, [this.arg]);
      for (let i = 0; i < nGroups; i++) g.bufs.push([this.sum[i], this.cnt[i]]);
      this.generic = g;
      return g.update(gids, b, nGroups, 0, [v]);
    }
    if (nGroups === 1) avgOneLoop(v.values, v.nulls, this.sum, this.cnt, b.length);
    else avgLoop(gids, v.values, v.nulls, this.sum, this.cnt, b.length);
  }
  buffer(g: number): unknown { return this.generic ? this.generic.buffer(g) : [this.sum[g], this.cnt[g]]; }
}

/** count(*) and count(x). */
class CountKernel implements AggKernel {
  cnt = new Float64Array(16);
  constructor(private readonly arg: VecFn | undefined) {}
  update(gids: Int32Array, b: ColumnBatch, nGroups: number): void {
    this.cnt = grow(this.cnt, nGroups);
    const cnt = this.cnt, n = b.length;
    if (!this.arg) {
      if (nGroups === 1) cnt[0]! += n; // one group: every gid is 0
      else countLoop(gids, cnt, n);
      return;
    }
    const v = this.arg(b);
    if (v.kind === "any" || v.kind === "dict") {
      for (let i = 0; i < n; i++) if (!isNullAt(v, i)) cnt[gids[i]!]++;
    } else countValuesLoop(gids, v.nulls, cnt, n);
  }
  buffer(g: number): number { return this.cnt[g]!; }
}

function kernelFor(a: Expr & { kind: "fn" }, ctx: EvalContext): AggKernel {
  const rt = aggRuntime(a, ctx);
  const args = a.args.map((x) => compileVector(x, ctx));
  const name = a.name.toLowerCase();
  // Decimal sums and means keep exact unscaled buffers: the row runtime's algebra.
  const exactDecimal = a.dataType?.type === "decimal" && (name === "sum" || name === "avg" || name === "mean");
  if (!a.distinct && !exactDecimal) {
    // count(1) / count(literal) counts rows, like count(*).
    const lit = a.args[0]?.kind === "lit" && a.args[0].value !== null && a.args[0].value !== undefined;
    if (name === "count" && args.length <= 1) return new CountKernel(lit ? undefined : args[0]);
    if ((name === "sum" || name === "min" || name === "max") && args.length === 1) return new ValueKernel(name, rt, args[0]!, a.dataType?.type !== "double");
    if ((name === "avg" || name === "mean") && args.length === 1) return new AvgKernel(rt, args[0]!);
  }
  return new GenericKernel(rt, args);
}

/**
 * Group ids of one non-null number key column. Small non-negative integer keys index a table
 * directly (-0 lands on 0's slot, as the Map's SameValueZero would put it in 0's group); other
 * keys go through the Map. A function of its own: kept small, V8 compiles the loop tightly.
 */
function numberKeyGids(vals: Float64Array, n: number, gids: Int32Array, dense: Int32Array, index: Map<NormalKey, number>, keys: unknown[][]): void {
  for (let i = 0; i < n; i++) {
    const x = vals[i]!;
    const slot = x >>> 0;
    if (slot === x && slot < DENSE) {
      const g = dense[slot]!;
      if (g >= 0) { gids[i] = g; continue; }
    }
    gids[i] = newNumberKey(x, slot, dense, index, keys);
  }
}

/** The group id of a number key not in the dense table (a new small key, or any other number). */
function newNumberKey(x: number, slot: number, dense: Int32Array, index: Map<NormalKey, number>, keys: unknown[][]): number {
  let g = index.get(x);
  if (g === undefined) { g = keys.length; keys.push([x]); index.set(x, g); }
  if (slot === x && slot < DENSE) dense[slot] = g;
  return g;
}

export interface ColumnarAggSpec {
  groupBy: Expr[];
  aggs: (Expr & { kind: "fn" })[];
}

export class ColumnarPartialAgg {
  private readonly keyFns: VecFn[];
  private readonly kernels: AggKernel[];
  private readonly index = new Map<NormalKey, number>();
  private readonly keys: unknown[][] = [];
  private gids = new Int32Array(0);
  private dense: Int32Array | undefined;

  constructor(spec: ColumnarAggSpec, ctx: EvalContext) {
    this.keyFns = spec.groupBy.map((e) => compileVector(e, ctx));
    this.kernels = spec.aggs.map((a) => kernelFor(a, ctx));
  }

  add(b: ColumnBatch): void {
    const n = b.length;
    if (n === 0) return;
    if (this.gids.length < n) this.gids = new Int32Array(n);
    const gids = this.gids, index = this.index, keys = this.keys;
    const kv = this.keyFns.map((f) => f(b));
    if (kv.length === 0) {
      if (keys.length === 0) { keys.push([]); index.set(null, 0); }
      gids.fill(0, 0, n);
    } else if (kv.length === 1 && kv[0]!.kind === "f64" && kv[0]!.nulls === null) {
      numberKeyGids(kv[0]!.values, n, gids, (this.dense ??= new Int32Array(DENSE).fill(-1)), index, keys);
    } else if (kv.length === 1) {
      const v = kv[0]!;
      for (let i = 0; i < n; i++) {
        const x = valueAt(v, i);
        const nk = normalizeKey(x);
        let g = index.get(nk);
        if (g === undefined) { g = keys.length; keys.push([x]); index.set(nk, g); }
        gids[i] = g;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const key = kv.map((v) => valueAt(v, i));
        const nk = normalizeKey(key);
        let g = index.get(nk);
        if (g === undefined) { g = keys.length; keys.push(key); index.set(nk, g); }
        gids[i] = g;
      }
    }
    const view = gids.length === n ? gids : gids.subarray(0, n);
    for (const k of this.kernels) k.update(view, b, keys.length);
  }

  /** [...key, ...buffers] per group, in first-seen order. */
  *rows(): Generator<unknown[]> {
    for (let g = 0; g < this.keys.length; g++) yield [...this.keys[g]!, ...this.kernels.map((k) => k.buffer(g))];
  }
}
