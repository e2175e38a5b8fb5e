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
import { typeOf, type EvalContext } from "../../expressions/registry";
import { isNullAt, isNumberType, valueAt, type ColumnBatch, type ColumnVector, type Numbers, type NumVector } from "../../column-batch";
import { compileVector, plainColumn, type VecFn } from "./vector-expr";

import { fusedLoop, fusedLoopSource, shareSums, type FusedAgg, type FusedLoop } from "./agg-codegen";
import { avgLoop, avgOneLoop, countLoop, countValuesLoop, minMaxLoop, minMaxOneLoop, sumLoop, sumOneLoop } from "./agg-loops";

/** Small non-negative integer keys below this index a direct group table (here and in the final aggregate). */
export const DENSE = 1 << 16;

const isColumn = (e: Expr): boolean => plainColumn(e) !== undefined;

/** Keys and arguments are columns (or literals): a fused join can pass stream and build columns as they are. */
function readsColumns(spec: ColumnarAggSpec): boolean {
  return spec.groupBy.every(isColumn) && spec.aggs.every((a) => a.args.every((e) => isColumn(e) || e.kind === "lit"));
}

/** An aggregate's part in a generated loop: its kind and its argument (none for count(*)). */
interface FusedForm { readonly op: FusedAgg["op"]; readonly arg: VecFn | undefined }

interface AggKernel {
  /** Update groups with rows [from, n) of the batch (`v`: the argument vector, if already evaluated). */
  update(gids: Int32Array, b: ColumnBatch, nGroups: number, from: number, v?: ColumnVector): void;
  buffer(g: number): unknown;
  /** Its generated-loop form (agg-codegen.ts; one object per kernel), or null while it cannot take part. */
  fusable(): FusedForm | null;
  /** Its buffers for the generated loop, grown to `nGroups` groups (BUFFERS[op] of them). */
  buffers(nGroups: number): (Float64Array | Uint8Array)[];
}

function grow<T extends Float64Array | Uint8Array>(a: T, n: number, fill = 0): T {
  if (n <= a.length) return a;
  const out = new (a.constructor as { new(n: number): T })(Math.max(n, a.length * 2));
  out.set(a);
  if (fill !== 0 || Object.is(fill, -0)) out.fill(fill, a.length);
  return out;
}

/** The row runtime over batch rows (any aggregate, any vector). */
class GenericKernel implements AggKernel {
  bufs: unknown[] = [];
  constructor(private readonly rt: AggRuntime, private readonly args: VecFn[]) {}
  update(gids: Int32Array, b: ColumnBatch, nGroups: number, from = 0, v?: ColumnVector): void {
    while (this.bufs.length < nGroups) this.bufs.push(this.rt.init());
    const cols = v && this.args.length === 1 ? [v] : this.args.map((f) => f(b));
    const k = cols.length;
    for (let i = from; i < b.length; i++) {
      const vals = new Array<unknown>(k);
      for (let j = 0; j < k; j++) vals[j] = valueAt(cols[j]!, i);
      const g = gids[i]!;
      this.bufs[g] = this.rt.update(this.bufs[g], vals);
    }
  }
  buffer(g: number): unknown { return this.bufs[g]; }
  fusable(): null { return null; }
  buffers(): never[] { return []; }
}

/** sum, min, max: a value per group plus a seen flag; falls back to the row runtime when needed. */
class ValueKernel implements AggKernel {
  // A sum's value starts at -0: adding the group's first value gives it as-is (the generated loop relies on it).
  acc: Float64Array;
  seen = new Uint8Array(16);
  generic: GenericKernel | null = null;
  /** An exact sum reading an avg of the same argument's buffers (agg-codegen.ts shareSums), until unshare(). */
  sharedAvg: AvgKernel | null = null;
  private readonly form: FusedForm;
  constructor(private readonly op: "sum" | "min" | "max", private readonly rt: AggRuntime, private readonly arg: VecFn, private readonly exactLong = true) {
    this.acc = new Float64Array(16).fill(op === "sum" ? -0 : 0);
    this.form = { op: op === "sum" && exactLong ? "sumExact" : op, arg };
  }

  private toGeneric(nGroups: number): GenericKernel {
    const g = new GenericKernel(this.rt, [this.arg]);
    for (let i = 0; i < nGroups; i++) g.bufs.push(this.seen[i] ? this.acc[i] : null);
    this.generic = g;
    return g;
  }

  fusable(): FusedForm | null {
    return this.generic ? null : this.form;
  }

  /** Its own buffers again, from the shared avg's: every group with a value has the avg's sum. */
  unshare(nGroups: number): void {
    const avg = this.sharedAvg;
    if (!avg) return;
    this.sharedAvg = null;
    this.buffers(nGroups);
    for (let g = 0; g < nGroups; g++) if (avg.cnt[g]! > 0) { this.acc[g] = avg.sum[g]!; this.seen[g] = 1; }
  }

  buffers(nGroups: number): (Float64Array | Uint8Array)[] {
    if (this.sharedAvg) return [];
    this.acc = grow(this.acc, nGroups, this.op === "sum" ? -0 : 0);
    this.seen = grow(this.seen, nGroups);
    return [this.acc, this.seen];
  }

  update(gids: Int32Array, b: ColumnBatch, nGroups: number, from: number, vec?: ColumnVector): void {
    if (this.generic) return this.generic.update(gids, b, nGroups, from, vec);
    const v = vec ?? this.arg(b);
    this.buffers(nGroups);
    if (v.kind !== "f64") return this.toGeneric(nGroups).update(gids, b, nGroups, from, v);
    const n = b.length;
    if (this.op !== "sum") {
      const sign = this.op === "max" ? 1 : -1;
      if (nGroups === 1) minMaxOneLoop(v.values, v.nulls, this.acc, this.seen, from, n, sign);
      else minMaxLoop(gids, v.values, v.nulls, this.acc, this.seen, from, n, sign);
      return;
    }
    // One group (a global aggregate, or one key so far): every gid is 0, the sum stays in a register.
    const stop = nGroups === 1 ? sumOneLoop(v.values, v.nulls, this.acc, this.seen, from, n, this.exactLong) : sumLoop(gids, v.values, v.nulls, this.acc, this.seen, from, n, this.exactLong);
    // A long sum outside the safe range switches to bigint in the row runtime: it takes over at that row.
    if (stop >= 0) this.toGeneric(nGroups).update(gids, b, nGroups, stop, v);
  }

  buffer(g: number): unknown {
    if (this.generic) return this.generic.buffer(g);
    if (this.sharedAvg) return this.sharedAvg.cnt[g]! > 0 ? this.sharedAvg.sum[g] : null;
    return this.seen[g] ? this.acc[g] : null;
  }
}

/** avg: [sum, count] with the sum starting at 0, as the row runtime's buffer. */
class AvgKernel implements AggKernel {
  sum = new Float64Array(16);
  cnt = new Float64Array(16);
  generic: GenericKernel | null = null;
  private readonly form: FusedForm;
  constructor(private readonly rt: AggRuntime, private readonly arg: VecFn) { this.form = { op: "avg", arg }; }
  fusable(): FusedForm | null { return this.generic ? null : this.form; }
  buffers(nGroups: number): Float64Array[] {
    this.sum = grow(this.sum, nGroups);
    this.cnt = grow(this.cnt, nGroups);
    return [this.sum, this.cnt];
  }
  update(gids: Int32Array, b: ColumnBatch, nGroups: number, from: number, vec?: ColumnVector): void {
    if (this.generic) return this.generic.update(gids, b, nGroups, from, vec);
    const v = vec ?? this.arg(b);
    this.buffers(nGroups);
    if (v.kind !== "f64") {
      const g = new GenericKernel(this.rt, [this.arg]);
      for (let i = 0; i < nGroups; i++) g.bufs.push([this.sum[i], this.cnt[i]]);
      this.generic = g;
      return g.update(gids, b, nGroups, from, v);
    }
    if (nGroups === 1) avgOneLoop(v.values, v.nulls, this.sum, this.cnt, from, b.length);
    else avgLoop(gids, v.values, v.nulls, this.sum, this.cnt, from, b.length);
  }
  buffer(g: number): unknown { return this.generic ? this.generic.buffer(g) : [this.sum[g], this.cnt[g]]; }
}

/** count(*) and count(x). */
class CountKernel implements AggKernel {
  cnt = new Float64Array(16);
  private readonly form: FusedForm;
  constructor(private readonly arg: VecFn | undefined) { this.form = { op: arg ? "countValues" : "count", arg }; }
  fusable(): FusedForm { return this.form; }
  buffers(nGroups: number): Float64Array[] { return [this.cnt = grow(this.cnt, nGroups)]; }
  update(gids: Int32Array, b: ColumnBatch, nGroups: number, from: number, vec?: ColumnVector): void {
    const cnt = this.buffers(nGroups)[0]!, n = b.length;
    if (!this.arg) {
      if (nGroups === 1) cnt[0]! += n - from; // one group: every gid is 0
      else countLoop(gids, cnt, from, n);
      return;
    }
    const v = vec ?? this.arg(b);
    if (v.kind === "any" || v.kind === "dict" || v.kind === "rle") {
      for (let i = from; i < n; i++) if (!isNullAt(v, i)) cnt[gids[i]!]++;
    } else countValuesLoop(gids, v.nulls, cnt, from, n);
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
function numberKeyGids(vals: Numbers, from: number, n: number, gids: Int32Array, dense: Int32Array, index: Map<NormalKey, number>, keys: unknown[][]): void {
  for (let i = from; i < n; i++) {
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
export function newNumberKey(x: number, slot: number, dense: Int32Array, index: Map<NormalKey, number>, keys: unknown[][]): number {
  let g = index.get(x);
  if (g === undefined) { g = keys.length; keys.push([x]); index.set(x, g); }
  if (slot === x && slot < DENSE) dense[slot] = g;
  return g;
}

/**
 * The generated loop this partial aggregate would run (explain("codegen")), or undefined when it
 * runs the per-aggregate loops: no group-by key or one of a number type, and only aggregates with
 * a generated form. Arguments are assumed number vectors, with null maps where they are nullable.
 * `join`: the aggregate reads an inner broadcast hash join on one key (`build[c]`: its input
 * column c is a build column); when its keys and arguments are plain columns the join is shown
 * fused into the loop, as it runs when the build keys are unique small integers.
 */
export function generatedAggSource(spec: ColumnarAggSpec, ctx: EvalContext, join?: { build: boolean[] }): string | undefined {
  if (spec.groupBy.length > 1 || (spec.groupBy.length === 1 && !isNumberType(typeOf(spec.groupBy[0]!)))) return undefined;
  const forms = spec.aggs.map((a) => kernelFor(a, ctx).fusable());
  if (forms.some((f) => f === null) || spec.aggs.some((a) => a.args.length > 0 && !isNumberType(typeOf(a.args[0]!)))) return undefined;
  const fuseJoin = join && readsColumns(spec);
  const column = (e: Expr): number => plainColumn(e)?.index ?? -1;
  const args: string[] = [], nullable: boolean[] = [], build: boolean[] = [], aggs: FusedAgg[] = [];
  spec.aggs.forEach((a, j) => {
    const e = a.args[0];
    if (forms[j]!.op === "count" || !e) { aggs.push({ op: forms[j]!.op, arg: -1 }); return; }
    // A column read by several aggregates is one argument (the stage evaluates it once per batch).
    const text = column(e) >= 0 ? `ref ${column(e)}` : `expr ${j}`;
    let p = args.indexOf(text);
    if (p < 0) { p = args.length; args.push(text); nullable.push(plainColumn(e)?.nullable ?? true); build.push(!!fuseJoin && join.build[column(e)] === true); }
    aggs.push({ op: forms[j]!.op, arg: p });
  });
  const global = spec.groupBy.length === 0, shared = shareSums(aggs);
  if (!fuseJoin) return fusedLoopSource({ aggs: shared, nullable, global }, DENSE);
  const shape = { aggs: shared, nullable, global, join: { build, keyFromBuild: !global && join.build[column(spec.groupBy[0]!)] === true, complete: false } };
  return `// The join is probed in this loop when the build keys are unique small integers (a dimension table);\n` +
    `// otherwise each batch is joined first and the aggregate's loop reads the joined batch.\n${fusedLoopSource(shape, DENSE)}`;
}

/** A broadcast join probed inside the generated loop (columnar-join.ts' fusedProbe). */
export interface FusedProbe {
  /** The stream rows' join key values (non-null numbers). */
  keys: Numbers;
  /** Build row per key (-1: none); `complete`: the keys are 0..head.length-1 in order (head[k] = k). */
  head: Int32Array;
  complete: boolean;
  /** The build side's columns. */
  build: ColumnVector[];
  /** Joined (matched) rows, added to: the join's row-count metric. */
  matched: Float64Array;
}

const NO_VALUES = new Float64Array(1), NO_GROUPS = new Int32Array(0);

/** What fused() did with a batch: the row the per-aggregate loops go on from, the argument vectors it evaluated. */
interface Fused { from: number; vecs: (ColumnVector | undefined)[] | undefined }

/** A loop input array's part of a batch's signature: its type, whether it has a null map, whether it is a build column. */
function arrayKind(a: Numbers, nulls: unknown, build: boolean): number {
  return (a instanceof Int32Array ? 1 : 2) + (nulls ? 4 : 0) + (build ? 8 : 0);
}

/** Whether `v` (a vector or its values) is one of the probed join's build columns. */
function onBuildSide(probe: FusedProbe, v: ColumnVector | Numbers): boolean {
  const build = probe.build;
  for (let c = 0; c < build.length; c++) { const col = build[c]!; if (col === v || (col.kind === "f64" && col.values === v)) return true; }
  return false;
}

function sameNumbers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
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
  /** The generated loops used so far, by their shape's key (agg-codegen.ts). */
  private readonly loops = new Map<string, FusedLoop>();

  /** readsColumns: a join can be fused into the generated loop. */
  private readonly plainColumns: boolean;
  /** Rows were added: exact sums and avgs are paired (shareSums) only before. */
  private started = false;
  /** The last batch's loop and what it depends on (`sig`, set in fused()), until the kernels change (unshare). */
  private last: { sig: number[]; loop: FusedLoop } | undefined = undefined;
  /** The current batch's signature (fused()), reused batch to batch. */
  private readonly sig: number[] = [];

  constructor(spec: ColumnarAggSpec, ctx: EvalContext) {
    this.keyFns = spec.groupBy.map((e) => compileVector(e, ctx));
    this.kernels = spec.aggs.map((a) => kernelFor(a, ctx));
    this.plainColumns = readsColumns(spec);
  }

  add(b: ColumnBatch): void {
    const n = b.length;
    if (n === 0) return;
    if (this.gids.length < n) this.gids = new Int32Array(n);
    const gids = this.gids, index = this.index, keys = this.keys;
    const kv = this.keyFns.map((f) => f(b));
    if (kv.length === 0 || (kv.length === 1 && kv[0]!.kind === "f64" && kv[0]!.nulls === null)) {
      const keyValues = kv.length ? (kv[0] as NumVector).values : null;
      if (keyValues) this.dense ??= new Int32Array(DENSE).fill(-1); else this.globalGroup();
      const fused = this.fused(keyValues, b);
      if (fused.from === n) return;
      if (keyValues) numberKeyGids(keyValues, fused.from, n, gids, this.dense!, index, keys); else gids.fill(0, 0, n);
      const view = gids.length === n ? gids : gids.subarray(0, n);
      this.unshare();
      this.kernels.forEach((k, j) => k.update(view, b, keys.length, fused.from, fused.vecs?.[j]));
      return;
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
    this.unshare();
    for (const k of this.kernels) k.update(view, b, keys.length, 0);
  }

  /** Every shared exact sum back on its own buffers (before the per-aggregate loops add rows). */
  private unshare(): void {
    this.started = true;
    this.last = undefined; // (its loop reads the shared buffers)
    for (const k of this.kernels) if (k instanceof ValueKernel) k.unshare(this.keys.length);
  }

  /**
   * The loop's aggregates with the exact sums that read an avg's buffers (shareSums): paired
   * before the aggregate's first rows, unpaired once a batch's arguments do not pair them so.
   */
  private shared(aggs: FusedAgg[]): FusedAgg[] {
    const want = shareSums(aggs), kernels = this.kernels;
    kernels.forEach((k, j) => {
      if (!(k instanceof ValueKernel)) return;
      const w = want[j]!.sharedWith, avg = w === undefined ? undefined : kernels[w];
      if (!this.started && avg instanceof AvgKernel) k.sharedAvg = avg;
      else if (k.sharedAvg && k.sharedAvg !== avg) k.unshare(this.keys.length);
    });
    this.started = true;
    return aggs.map((a, j) => {
      const k = kernels[j]!;
      if (k instanceof ValueKernel && k.sharedAvg) return { ...a, sharedWith: kernels.indexOf(k.sharedAvg) };
      if (kernels.some((v) => v instanceof ValueKernel && v.sharedAvg === k)) return { ...a, exact: true };
      return a;
    });
  }

  /**
   * The batch's rows through the generated loop while every aggregate can take part: returns the
   * row the per-aggregate loops go on from (b.length when all were added) and the argument vectors
   * already evaluated. New dense keys become groups as the loop meets them. `keyValues` null: a
   * global aggregate. With `probe`, b is the stream batch with the build columns after its own
   * (their vectors have the build side's length) and the loop probes the join first.
   *
   * Called once a batch, so it is kept small and free of closures: V8 compiles it early, and
   * every time a value of a new shape reaches it; measured, the earlier version of this method
   * took 60-110 ms a compilation, 16 times in a thread's first 20 queries, on a background thread
   * that took the CPU from the tasks (the map tasks of those queries up to twice as slow).
   */
  private fused(keyValues: Numbers | null, b: ColumnBatch, probe?: FusedProbe): Fused {
    const kernels = this.kernels, nk = kernels.length;
    for (let j = 0; j < nk; j++) if (kernels[j]!.fusable() === null) return { from: 0, vecs: undefined };
    const vecs: (ColumnVector | undefined)[] = new Array(nk);
    // Each distinct argument vector is read once per row (sum(v) and avg(v) share v).
    const args: NumVector[] = [], argOf: number[] = new Array(nk);
    for (let j = 0; j < nk; j++) {
      const fn = kernels[j]!.fusable()!.arg;
      const v = fn === undefined ? undefined : fn(b);
      vecs[j] = v;
      if (v === undefined) { argOf[j] = -1; continue; }
      if (v.kind !== "f64") return { from: 0, vecs };
      let p = args.indexOf(v);
      if (p < 0) { p = args.length; args.push(v); }
      argOf[j] = p;
    }
    // What the loop depends on, as small numbers: a batch like the last one reuses its loop.
    const keyFromBuild = !!probe && keyValues !== null && onBuildSide(probe, keyValues);
    const sig = this.sig;
    sig.length = 0;
    sig.push(keyValues ? arrayKind(keyValues, null, keyFromBuild) : 0, probe ? arrayKind(probe.keys, null, false) + (probe.complete ? 16 : 0) : 0);
    for (let j = 0; j < nk; j++) sig.push(argOf[j]!);
    for (let p = 0; p < args.length; p++) sig.push(arrayKind(args[p]!.values, args[p]!.nulls, !!probe && onBuildSide(probe, args[p]!)));
    let last = this.last, fresh = false;
    if (last === undefined || !sameNumbers(last.sig, sig)) {
      fresh = this.loopFor(keyValues, probe, args, argOf);
      last = this.last!;
    }
    const loop = last.loop;
    // The loop's arguments: from, n, keys, dense, the probe's arrays, each argument's values (and
    // nulls), then the aggregates' buffers (fetched again after a new group: they may grow).
    const n = b.length, keys = this.keys, dense = this.dense ?? NO_GROUPS;
    const argv: (number | Float64Array | Int32Array | Uint8Array)[] = [0, n, keyValues ?? NO_VALUES, dense];
    if (probe) argv.push(probe.keys, probe.head, probe.matched);
    for (let p = 0; p < args.length; p++) { argv.push(args[p]!.values); if (args[p]!.nulls) argv.push(args[p]!.nulls!); }
    const base = argv.length;
    this.putBuffers(argv, base);
    // A first call of no rows runs the code after the loop (a global aggregate's stores, the join's
    // count) before V8 compiles the loop while it runs (OSR): compiled without type feedback for
    // that code, the loop is left at its end call after call until V8 optimizes the function anew
    // (measured: a cached join's first query left it 18 times, 1 with this call; a thread's very
    // first loop gets no feedback from it, V8 keeping none before a few calls).
    if (fresh) { argv[1] = 0; loop.apply(undefined, argv as Parameters<FusedLoop>); argv[1] = n; }
    let i = 0;
    for (;;) {
      argv[0] = i;
      i = loop.apply(undefined, argv as Parameters<FusedLoop>);
      if (i === n || !keyValues) return { from: i, vecs };
      // The loop stops only at a row with a build row: its key is read there.
      const s = probe ? probe.keys[i]! >>> 0 : 0;
      const x = keyValues[keyFromBuild ? (probe!.complete ? s : probe!.head[s]!) : i]!, slot = x >>> 0;
      // A new small key: its group, then on; anything else is for the per-aggregate loops.
      if (slot === x && slot < DENSE && dense[slot]! < 0) newNumberKey(x, slot, dense, this.index, keys);
      else return { from: i, vecs };
      this.putBuffers(argv, base);
    }
  }

  /**
   * The aggregates' buffers for the generated loop, grown to the groups so far, put in `argv` from
   * `at` on: the array keeps its length (V8 deoptimized the call when it changed).
   */
  private putBuffers(argv: unknown[], at: number): void {
    const kernels = this.kernels, groups = this.keys.length;
    for (let j = 0; j < kernels.length; j++) {
      const bufs = kernels[j]!.buffers(groups);
      for (let k = 0; k < bufs.length; k++) argv[at++] = bufs[k]!;
    }
  }

  /**
   * The generated loop for a batch unlike the last one (its signature in this.sig): from this
   * aggregate's loops, else compiled (or found in the thread's cache). Sets this.last; returns
   * whether the loop is new to this aggregate. Kept apart from fused(): it runs once a task or so.
   */
  private loopFor(keyValues: Numbers | null, probe: FusedProbe | undefined, args: NumVector[], argOf: number[]): boolean {
    const forms = this.kernels.map((k) => k.fusable()!);
    const aggs = this.shared(forms.map((f, j) => ({ op: f.op, arg: argOf[j]! })));
    const onBuild = (v: ColumnVector | Numbers) => !!probe && onBuildSide(probe, v);
    const join = probe && { build: args.map(onBuild), keyFromBuild: keyValues !== null && onBuild(keyValues), complete: probe.complete };
    const type = (a: Numbers) => (a instanceof Int32Array ? "Int32Array" : "Float64Array");
    const arrays = [keyValues && `keys: ${type(keyValues)}`, probe && `probe: ${type(probe.keys)}`, ...args.map((v, p) => `a${p}: ${type(v.values)}`)].filter(Boolean).join(", ");
    const key = aggs.map((a) => `${a.op}:${a.arg}${a.sharedWith === undefined ? "" : `=${a.sharedWith}`}${a.exact ? "!" : ""}`).join(",") + "|" + args.map((v) => (v.nulls ? 1 : 0)).join("") +
      (keyValues ? "" : "|global") + (join ? `|join ${join.build.map(Number).join("")} ${join.keyFromBuild} ${join.complete}` : "") + `|${arrays}`;
    let loop = this.loops.get(key), fresh = false;
    if (!loop) {
      loop = fusedLoop({ aggs, nullable: args.map((v) => v.nulls !== null), global: !keyValues, join, arrays }, DENSE);
      this.loops.set(key, loop);
      fresh = true;
    }
    this.last = { sig: this.sig.slice(), loop };
    return fresh;
  }

  /**
   * The inner join of a stream batch with a unique dense build side (columnar-join.ts'
   * fusedProbe), added without building the joined batch when this aggregate's keys and
   * arguments are plain columns: `view` has the stream batch's length and the columns this
   * aggregate reads (stream columns, and the build side's whole columns, read at the build row).
   * Returns the first stream row that is not added (view.length when all were), for the caller to
   * join and add as usual.
   */
  addProbed(view: ColumnBatch, probe: FusedProbe): number {
    if (!this.plainColumns || view.length === 0 || this.keyFns.length > 1) return 0;
    if (this.keyFns.length === 1) {
      const kv = this.keyFns[0]!(view);
      if (kv.kind !== "f64" || kv.nulls !== null) return 0;
      this.dense ??= new Int32Array(DENSE).fill(-1);
      return this.fused(kv.values, view, probe).from;
    }
    // A global aggregate has its group once a row joins (as when the joined batches are added).
    const fresh = this.keys.length === 0, matched = probe.matched[0]!;
    this.globalGroup();
    const from = this.fused(null, view, probe).from;
    if (fresh && from === view.length && probe.matched[0] === matched) { this.keys.length = 0; this.index.clear(); }
    return from;
  }

  /** The one group of a global aggregate. */
  private globalGroup(): void {
    if (this.keys.length === 0) { this.keys.push([]); this.index.set(null, 0); }
  }

  /** [...key, ...buffers] per group, in first-seen order. */
  *rows(): Generator<unknown[]> {
    const kernels = this.kernels;
    for (let g = 0; g < this.keys.length; g++) {
      const row = this.keys[g]!.slice();
      for (let j = 0; j < kernels.length; j++) row.push(kernels[j]!.buffer(g));
      yield row;
    }
  }
}
