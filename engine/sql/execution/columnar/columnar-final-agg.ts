// Vectorized final hash aggregate: the partial aggregates' [...key, ...buffers] rows of a shuffle
// partition merged into typed buffers per group (a count, a sum with its seen flag, an avg's sum
// and count, a min or max) instead of a buffer array per group and a merge call per value. Group
// ids of a number key come as the partial aggregate's (columnar-agg.ts newNumberKey: a direct
// table for small non-negative integers), others from the row path's normalized keys; groups keep
// their first-seen key and order. Each merge reproduces the row runtime's (a buffer taken as-is
// for a new group, a long sum leaving the safe integer range or a value that is not a number
// hands that aggregate to the row runtime's merge from that row on), so the rows are exactly
// finalAggregate's. Which aggregates qualify: columnar-plan.ts.

import { registerShippable } from "../../../common/closure";
import { normalizeKey, type NormalKey } from "../../../common/keys";
import type { Expr } from "../../expressions/expression";
import { aggRuntime, type AggRuntime } from "../../expressions/aggregates";
import { compileExpr, defaultEvalContext } from "../../expressions/eval";
import { mergeKind } from "../../physical/columnar-plan";
import { DENSE, newNumberKey } from "./columnar-agg";

interface MergeKernel {
  /** The aggregate's row runtime (init, finish; the merge of the buffers a typed kernel cannot take). */
  readonly rt: AggRuntime;
  /** Merge a buffer into group g (g === the number of groups so far: a new group). */
  merge(g: number, buf: unknown): void;
  /** The group's buffer as the row runtime holds it. */
  buffer(g: number): unknown;
}

function grow(a: Float64Array, n: number): Float64Array {
  if (n < a.length) return a;
  const out = new Float64Array(Math.max(16, 2 * a.length, n + 1));
  out.set(a);
  return out;
}

function growBytes(a: Uint8Array, n: number): Uint8Array {
  if (n < a.length) return a;
  const out = new Uint8Array(Math.max(16, 2 * a.length, n + 1));
  out.set(a);
  return out;
}

/** The row runtime's merge on buffers of every group (the fallback and any aggregate's). */
class RuntimeMerge implements MergeKernel {
  constructor(readonly rt: AggRuntime, readonly bufs: unknown[] = []) {}
  merge(g: number, buf: unknown): void {
    if (g === this.bufs.length) this.bufs.push(buf);
    else this.bufs[g] = this.rt.merge(this.bufs[g], buf);
  }
  buffer(g: number): unknown { return this.bufs[g]; }
}

/** A kernel that may hand over to the row runtime's merge: `merge` answers false when it cannot take the buffer. */
abstract class TypedMerge implements MergeKernel {
  groups = 0;
  private runtime: RuntimeMerge | null = null;
  constructor(readonly rt: AggRuntime) {}
  protected abstract take(g: number, buf: unknown, fresh: boolean): boolean;
  protected abstract own(g: number): unknown;
  merge(g: number, buf: unknown): void {
    if (this.runtime) return this.runtime.merge(g, buf);
    const fresh = g === this.groups;
    if (this.take(g, buf, fresh)) { if (fresh) this.groups++; return; }
    this.runtime = new RuntimeMerge(this.rt, Array.from({ length: this.groups }, (_, i) => this.own(i)));
    this.runtime.merge(g, buf);
  }
  buffer(g: number): unknown { return this.runtime ? this.runtime.buffer(g) : this.own(g); }
}

class CountMerge extends TypedMerge {
  cnt = new Float64Array(16);
  protected take(g: number, buf: unknown): boolean {
    if (typeof buf !== "number") return false;
    this.cnt = grow(this.cnt, g);
    this.cnt[g] += buf;
    return true;
  }
  protected own(g: number): number { return this.cnt[g]!; }
}

/** sum, min, max: a value and a seen flag (null buffers leave a group unseen). */
class ValueMerge extends TypedMerge {
  acc = new Float64Array(16);
  seen = new Uint8Array(16);
  constructor(rt: AggRuntime, private readonly op: "sum" | "exactSum" | "min" | "max") { super(rt); }
  protected take(g: number, buf: unknown): boolean {
    this.acc = grow(this.acc, g);
    this.seen = growBytes(this.seen, g);
    if (buf === null || buf === undefined) return true;
    if (typeof buf !== "number") return false;
    if (!this.seen[g]) { this.acc[g] = buf; this.seen[g] = 1; return true; }
    const a = this.acc[g]!;
    switch (this.op) {
      case "sum": this.acc[g] = a + buf; return true;
      case "exactSum": { const s = a + buf; if (!Number.isSafeInteger(s)) return false; this.acc[g] = s; return true; }
      // compareValues' order: NaN above every number, -0 equal to 0 (the first kept).
      case "max": if (a !== a ? false : buf !== buf || buf > a) this.acc[g] = buf; return true;
      case "min": if (buf !== buf ? false : a !== a || buf < a) this.acc[g] = buf; return true;
    }
  }
  protected own(g: number): number | null { return this.seen[g] ? this.acc[g]! : null; }
}

/** avg: [sum, count]. */
class AvgMerge extends TypedMerge {
  sum = new Float64Array(16);
  cnt = new Float64Array(16);
  protected take(g: number, buf: unknown, fresh: boolean): boolean {
    if (!Array.isArray(buf) || typeof buf[0] !== "number" || typeof buf[1] !== "number") return false;
    this.sum = grow(this.sum, g);
    this.cnt = grow(this.cnt, g);
    if (fresh) { this.sum[g] = buf[0]; this.cnt[g] = buf[1]; } else { this.sum[g] += buf[0]; this.cnt[g] += buf[1]; }
    return true;
  }
  protected own(g: number): [number, number] { return [this.sum[g]!, this.cnt[g]!]; }
}

function kernelFor(a: Expr & { kind: "fn" }, ansi: boolean): MergeKernel {
  const rt = aggRuntime(a, { ansi });
  const kind = mergeKind(a);
  if (kind === "count") return new CountMerge(rt);
  if (kind === "avg") return new AvgMerge(rt);
  if (kind) return new ValueMerge(rt, kind);
  return new RuntimeMerge(rt);
}

export interface FinalAggSpec {
  /** Number of key columns before the buffers. */
  keys: number;
  aggs: (Expr & { kind: "fn" })[];
  /** Result expressions over [...key, ...finished aggregates]. */
  result: Expr[];
  conf: { ansi: boolean; nowMillis: number; seed: number; timeZone?: string };
}

/** The final aggregate of one shuffle partition (a global aggregate's partition 0 answers even with no input). */
export const columnarFinalAggregate = registerShippable("sql.columnarFinalAggregate", function columnarFinalAggregate(
  spec: FinalAggSpec, global: boolean, partition: number, it: Iterable<unknown[]>,
): unknown[][] {
  const k = spec.keys, kernels = spec.aggs.map((a) => kernelFor(a, spec.conf.ansi)), m = kernels.length;
  const keys: unknown[][] = [];
  const index = new Map<NormalKey, number>();
  const dense = k === 1 ? new Int32Array(DENSE).fill(-1) : undefined;
  for (const row of it) {
    let g: number;
    if (k === 0) g = 0;
    else if (k === 1) {
      const x = row[0];
      if (typeof x === "number") {
        const slot = x >>> 0;
        g = slot === x && slot < DENSE ? dense![slot]! : -1;
        if (g < 0) g = newNumberKey(x, slot, dense!, index, keys);
      } else {
        const nk = normalizeKey(x);
        g = index.get(nk) ?? -1;
        if (g < 0) { g = keys.length; keys.push([x]); index.set(nk, g); }
      }
    } else {
      const key = row.slice(0, k), nk = normalizeKey(key);
      g = index.get(nk) ?? -1;
      if (g < 0) { g = keys.length; keys.push(key); index.set(nk, g); }
    }
    if (k === 0 && keys.length === 0) keys.push([]);
    for (let j = 0; j < m; j++) kernels[j]!.merge(g, row[k + j]);
  }
  if (global && k === 0 && keys.length === 0) {
    if (partition !== 0) return [];
    keys.push([]);
    for (const kernel of kernels) kernel.merge(0, kernel.rt.init());
  }
  const ctx = defaultEvalContext(partition, spec.conf);
  const resultFns = spec.result.map((e) => compileExpr(e, ctx));
  const out: unknown[][] = new Array(keys.length);
  for (let g = 0; g < keys.length; g++) {
    const base = keys[g]!.slice();
    for (let j = 0; j < m; j++) base.push(kernels[j]!.rt.finish(kernels[j]!.buffer(g)));
    out[g] = resultFns.map((f) => f(base));
  }
  return out;
});
