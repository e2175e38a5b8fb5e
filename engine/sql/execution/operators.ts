// Worker-side operator code of the physical plan. Every entry point is registered as a shippable
// by name, so a task carries only plain-data specs (bound expression trees, key positions,
// frames) and the evaluator itself is never re-shipped as source text. Rows are arrays.
// Joins live in ./join-operators and the window operator in ./window-operators (both import the
// shared pieces from here; engine/sql/execution/worker.ts imports them so they register on workers too).

import { registerShippable } from "../../common/closure";
import { ExecutionError } from "../../common/errors";
import { keysEqual, normalizeKey, type NormalKey } from "../../common/keys";
import type { Expr, SortExpr } from "../expressions/expression";
import { compileExpr, defaultEvalContext } from "../expressions/eval";
import { aggRuntime, type AggRuntime } from "../expressions/aggregates";
import { lookupFunction, typeOf, type GeneratorDef, type EvalContext } from "../expressions/registry";
import { compareSortKeys, sortedPositions, type SortKeys, type SortKeySpec } from "./sort-order";
import { getDataSource, type ReadRequest, type ScanSpec } from "../datasource-contract";
import { StructType } from "../types";
// Registers the columnar stage's task entry point wherever the row operators are (workers too).
import "./columnar/columnar-stage";

export type Row = unknown[];

/** Per-operator metrics: "<operator id>.rows" / "<operator id>.ms" -> summed over tasks. */
export type OpMetrics = Record<string, number>;

export const mergeMetrics = registerShippable("sql.mergeMetrics", function mergeMetrics(a: OpMetrics, b: OpMetrics): OpMetrics {
  const out: OpMetrics = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
});

export interface MetricsSink { add(term: OpMetrics): void }

/**
 * Count the rows an operator emits in this task (and the time spent pulling them, which for a
 * pipelined operator includes its children's work, as in Spark's whole-stage metrics). The first
 * TIMED_ROWS pulls are timed one by one, then every SAMPLE_EVERY-th pull stands for its neighbours:
 * two clock reads per row cost more than a simple operator's work.
 */
export const countRows = registerShippable("sql.countRows", function countRows(sink: MetricsSink | undefined, opId: number, it: Iterable<Row>): Iterable<Row> {
  if (!sink) return it;
  return new CountingIterator(sink, opId, it[Symbol.iterator]());
});

const TIMED_ROWS = 256, SAMPLE_EVERY = 32;

class CountingIterator implements IterableIterator<Row> {
  private n = 0;
  private ms = 0;
  private reported = false;
  constructor(private readonly sink: MetricsSink, private readonly opId: number, private readonly inner: Iterator<Row>) {}
  [Symbol.iterator](): IterableIterator<Row> { return this; }
  next(): IteratorResult<Row> {
    let r: IteratorResult<Row>;
    try {
      const n = this.n;
      if (n < TIMED_ROWS || n % SAMPLE_EVERY === 0) {
        const t0 = performance.now();
        r = this.inner.next();
        this.ms += (performance.now() - t0) * (n < TIMED_ROWS ? 1 : SAMPLE_EVERY);
      } else r = this.inner.next();
    } catch (e) { this.report(); throw e; }
    if (r.done) this.report(); else this.n++;
    return r;
  }
  return(): IteratorResult<Row> {
    try { this.inner.return?.(); } finally { this.report(); }
    return { done: true, value: undefined };
  }
  private report(): void {
    if (this.reported) return;
    this.reported = true;
    this.sink.add({ [`${this.opId}.rows`]: this.n, [`${this.opId}.ms`]: Math.round(this.ms * 1000) / 1000 });
  }
}

/** Settings captured by every task (plain data). */
export interface ExecConf {
  ansi: boolean;
  nowMillis: number;
  seed: number;
  /** spark.sql.session.timeZone */
  timeZone?: string;
  /** Columnar stages over batched scans (spark.sql.parquet.enableVectorizedReader); default on. */
  columnar?: boolean;
}

export const ctxFor = (conf: ExecConf, partition: number): EvalContext => defaultEvalContext(partition, conf);

// ---- narrow pipeline (Spark's whole-stage: project, filter, generate, limit in one pass) ----------

export type PipeOp =
  | { op: "project"; exprs: Expr[] }
  | { op: "filter"; condition: Expr }
  | { op: "generate"; generator: Expr & { kind: "fn" }; outer: boolean; width: number }
  | { op: "limit"; n: number }
  | { op: "offset"; n: number };

function applyOps(ops: PipeOp[], ctx: EvalContext, input: Iterable<Row>): Iterable<Row> {
  let stream: Iterable<Row> = input;
  for (const op of ops) stream = applyOp(op, ctx, stream);
  return stream;
}

function applyOp(op: PipeOp, ctx: EvalContext, input: Iterable<Row>): Iterable<Row> {
  switch (op.op) {
    case "project": return new ProjectIterator(op.exprs.map((e) => compileExpr(e, ctx)), input[Symbol.iterator]());
    case "filter": return new FilterIterator(compileExpr(op.condition, ctx), input[Symbol.iterator]());
    default: return applyOtherOp(op, ctx, input);
  }
}

function* applyOtherOp(op: Exclude<PipeOp, { op: "project" | "filter" }>, ctx: EvalContext, input: Iterable<Row>): Generator<Row> {
  switch (op.op) {
    case "generate": {
      const def = lookupFunction(op.generator.name) as GeneratorDef;
      const args = op.generator.args.map((a) => compileExpr(a, ctx));
      const argTypes = op.generator.args.map(typeOf);
      for (const row of input) {
        const produced = def.generate(args.map((a) => a(row)), argTypes);
        for (const g of produced) yield [...row, ...g];
      }
      return;
    }
    case "limit": {
      if (op.n <= 0) return;
      let k = 0;
      for (const row of input) {
        yield row;
        if (++k >= op.n) return;
      }
      return;
    }
    case "offset": {
      let k = 0;
      for (const row of input) if (k++ >= op.n) yield row;
      return;
    }
  }
}

/** A projection as a plain iterator (cheaper per row than a generator). */
class ProjectIterator implements IterableIterator<Row> {
  constructor(private readonly fns: ((row: Row) => unknown)[], private readonly inner: Iterator<Row>) {}
  [Symbol.iterator](): IterableIterator<Row> { return this; }
  next(): IteratorResult<Row> {
    const r = this.inner.next();
    if (r.done) return r;
    const fns = this.fns, n = fns.length, row = r.value, out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = fns[i]!(row);
    return { done: false, value: out };
  }
  return(): IteratorResult<Row> { this.inner.return?.(); return { done: true, value: undefined }; }
}

/** A filter as a plain iterator. */
class FilterIterator implements IterableIterator<Row> {
  constructor(private readonly f: (row: Row) => unknown, private readonly inner: Iterator<Row>) {}
  [Symbol.iterator](): IterableIterator<Row> { return this; }
  next(): IteratorResult<Row> {
    for (;;) {
      const r = this.inner.next();
      if (r.done || this.f(r.value) === true) return r;
    }
  }
  return(): IteratorResult<Row> { this.inner.return?.(); return { done: true, value: undefined }; }
}

export const runPipeline = registerShippable("sql.runPipeline", function runPipeline(ops: PipeOp[], conf: ExecConf, sink: MetricsSink | undefined, opIds: number[] | undefined, partition: number, it: Iterable<Row>): Iterable<Row> {
  const ctx = ctxFor(conf, partition);
  if (!sink || !opIds) return applyOps(ops, ctx, it);
  let stream: Iterable<Row> = it;
  ops.forEach((op, i) => { stream = countRows(sink, opIds[i]!, applyOp(op, ctx, stream)); });
  return stream;
});

// ---- leaves ---------------------------------------------------------------------------------------

/** One partition of spark.range: [start, end) by step, generated on the worker. */
export const generateRange = registerShippable("sql.generateRange", function* generateRange(it: Iterable<[number, number, number]>): Generator<Row> {
  for (const [start, end, step] of it) {
    if (step > 0) for (let x = start; x < end; x += step) yield [x];
    else for (let x = start; x > end; x += step) yield [x];
  }
});

/** Read one split of a file scan through the registered data source; the bytes and records it reads go to the task's input metrics. */
export const readScanSplit = registerShippable("sql.readScanSplit", async function readScanSplit(spec: ScanSpec, split: unknown, taskMetrics?: ReadRequest["taskMetrics"]): Promise<Iterable<Row>> {
  const ds = getDataSource(spec.format);
  if (!ds) throw new ExecutionError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${spec.format}.`);
  const required = spec.requiredColumns ?? spec.dataSchema.fields.map((f) => f.name);
  const out = ds.readSplit(split, {
    dataSchema: StructType.of(spec.dataSchema),
    requiredColumns: required,
    pushedFilters: spec.pushedFilters ?? [],
    options: spec.options,
    taskMetrics,
  });
  const resolved = await out;
  if (Symbol.asyncIterator in (resolved as object)) {
    const rows: Row[] = [];
    for await (const r of resolved as AsyncIterable<Row>) rows.push(r);
    return rows;
  }
  return resolved as Iterable<Row>;
});

// ---- hash aggregation --------------------------------------------------------------------------------

export interface AggSpec {
  groupBy: Expr[];
  /** Aggregate calls with arguments bound to the input rows. */
  aggs: (Expr & { kind: "fn" })[];
  /** Output expressions bound to [...groupingValues, ...aggregateResults]. */
  result: Expr[];
  conf: ExecConf;
}

function runtimes(spec: AggSpec): AggRuntime[] {
  return spec.aggs.map((a) => aggRuntime(a, spec.conf));
}

/** Map side: one [groupKey, buffers] pair per group seen in this partition. */
export const partialAggregate = registerShippable("sql.partialAggregate", function* partialAggregate(spec: AggSpec, partition: number, it: Iterable<Row>): Generator<Row> {
  const ctx = ctxFor(spec.conf, partition);
  const keyFns = spec.groupBy.map((e) => compileExpr(e, ctx));
  const argFns = spec.aggs.map((a) => a.args.map((x) => compileExpr(x, ctx)));
  const rts = runtimes(spec);
  const groups = new Map<NormalKey, [unknown[], unknown[]]>();
  // Argument arrays reused row to row, except for DISTINCT aggregates (their buffers keep them).
  const shared = spec.aggs.map((a, i) => (a.distinct ? undefined : new Array(argFns[i]!.length)));
  // The last row's group: consecutive rows often share a compound key (window() structs over
  // time-ordered rows), and comparing it in place is cheaper than its canonical text.
  let last: [unknown[], unknown[]] | undefined;
  for (const row of it) {
    const key = keyFns.map((f) => f(row));
    const single = keyFns.length === 1;
    const compound = !single || (typeof key[0] === "object" && key[0] !== null);
    let g = compound && last !== undefined && (single ? keysEqual(key[0], last[0][0]) : keysEqual(key, last[0])) ? last : undefined;
    if (!g) {
      const nk = single ? normalizeKey(key[0]) : normalizeKey(key);
      g = groups.get(nk);
      if (!g) { g = [key, rts.map((r) => r.init())]; groups.set(nk, g); }
      last = g;
    }
    const bufs = g[1];
    for (let i = 0; i < rts.length; i++) {
      const fns = argFns[i]!;
      const vals = shared[i] ?? new Array(fns.length);
      for (let j = 0; j < fns.length; j++) vals[j] = fns[j]!(row);
      bufs[i] = rts[i]!.update(bufs[i], vals);
    }
  }
  for (const [key, bufs] of groups.values()) yield [...key, ...bufs];
});

/** Reduce side: merge buffers per key, finish, evaluate the result expressions (a global aggregate's first partition answers an empty input with one row). */
export const finalAggregate = registerShippable("sql.finalAggregate", function finalAggregate(spec: AggSpec, global: boolean, partition: number, it: Iterable<Row>): Iterable<Row> {
  const ctx = ctxFor(spec.conf, partition), emitEmpty = global && partition === 0;
  const rts = runtimes(spec);
  const groups = mergeBuffers(rts, spec.groupBy.length, it);
  if (emitEmpty && groups.size === 0 && spec.groupBy.length === 0) groups.set(null, [[], rts.map((r) => r.init())]);
  return finishGroups(rts, groups, spec.result.map((e) => compileExpr(e, ctx)));
});

// finalAggregate's two loops, each a function of its own: V8 compiles (and, when a value of a new
// shape reaches it, recompiles) each apart, smaller; the one function took 20-60 ms a compilation.

/** [...key, ...buffers] rows (the partial aggregates' output) merged per key: key -> [key, buffers]. */
function mergeBuffers(rts: AggRuntime[], k: number, it: Iterable<Row>): Map<NormalKey, [unknown[], unknown[]]> {
  const groups = new Map<NormalKey, [unknown[], unknown[]]>();
  const n = rts.length;
  for (const row of it) {
    const key = row.slice(0, k), bufs = row.slice(k);
    const nk = k === 1 ? normalizeKey(key[0]) : normalizeKey(key);
    const g = groups.get(nk);
    if (!g) { groups.set(nk, [key, bufs]); continue; }
    const into = g[1];
    for (let i = 0; i < n; i++) into[i] = rts[i]!.merge(into[i], bufs[i]);
  }
  return groups;
}

/** A result row per group: the result expressions over [...key, ...finished aggregates]. */
function finishGroups(rts: AggRuntime[], groups: Map<NormalKey, [unknown[], unknown[]]>, resultFns: ((row: Row) => unknown)[]): Row[] {
  const out: Row[] = [];
  const n = rts.length, m = resultFns.length;
  for (const [key, bufs] of groups.values()) {
    const base = key.slice();
    for (let i = 0; i < n; i++) base.push(rts[i]!.finish(bufs[i]));
    const row = new Array<unknown>(m);
    for (let j = 0; j < m; j++) row[j] = resultFns[j]!(base);
    out.push(row);
  }
  return out;
}

// ---- exchanges: keys, range partitioning, sorting ---------------------------------------------------

/** [key, row] pairs for a hash exchange (the key is an array of values, hashed by value). */
export const keyRows = registerShippable("sql.keyRows", function* keyRows(keys: Expr[], conf: ExecConf, partition: number, it: Iterable<Row>): Generator<[unknown, Row]> {
  const ctx = ctxFor(conf, partition);
  const fns = keys.map((e) => compileExpr(e, ctx));
  if (fns.length === 1) { const f = fns[0]!; for (const row of it) yield [f(row), row]; return; }
  for (const row of it) yield [fns.map((f) => f(row)), row];
});

export const dropKeys = registerShippable("sql.dropKeys", function* dropKeys(it: Iterable<[unknown, Row]>): Generator<Row> {
  for (const kv of it) yield kv[1];
});

/** Sample sort keys of one partition (reservoir of `k`), for range partition bounds. */
export const sampleSortKeys = registerShippable("sql.sampleSortKeys", function sampleSortKeys(orders: SortExpr[], conf: ExecConf, k: number, partition: number, it: Iterable<Row>): unknown[][] {
  const ctx = ctxFor(conf, partition);
  const fns = orders.map((o) => compileExpr(o.child, ctx));
  const res: unknown[][] = [];
  let seen = 0;
  let s = (partition * 2654435761 + 1) >>> 0;
  for (const row of it) {
    const key = fns.map((f) => f(row));
    if (res.length < k) res.push(key);
    else {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      const j = s % (seen + 1);
      if (j < k) res[j] = key;
    }
    seen++;
  }
  return res;
});

/** Which range partition a sort key falls in (binary search over the sampled bounds). */
export const rangePartitionOf = registerShippable("sql.rangePartitionOf", function rangePartitionOf(bounds: unknown[][], dirs: SortKeySpec[], key: unknown[]): number {
  let lo = 0, hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSortKeys(key, bounds[mid]!, dirs) > 0) lo = mid + 1; else hi = mid;
  }
  return lo;
});

export const keyBySortKey = registerShippable("sql.keyBySortKey", function* keyBySortKey(orders: SortExpr[], conf: ExecConf, partition: number, it: Iterable<Row>): Generator<[unknown[], Row]> {
  const ctx = ctxFor(conf, partition);
  const fns = orders.map((o) => compileExpr(o.child, ctx));
  for (const row of it) yield [fns.map((f) => f(row)), row];
});

/**
 * `rows` in `orders` order, stably (equal keys keep their input order). Each row's sort keys are
 * computed once (a comparator evaluating them would do so O(n log n) times); a single key whose
 * values are all numbers other than NaN sorts as a Float64Array.
 */
function sortByKeys(rows: Row[], keyFns: ((row: Row) => unknown)[], dirs: SortKeySpec[]): Row[] {
  const n = rows.length;
  let keys: SortKeys | undefined;
  if (keyFns.length === 1) {
    const f = keyFns[0]!, numbers = new Float64Array(n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const v = f(rows[i]!);
      if (typeof v === "number" && v === v) numbers[i] = v; else ok = false;
    }
    if (ok) keys = { numbers, ascending: dirs[0]!.ascending };
  }
  keys ??= { tuples: rows.map((r) => keyFns.map((f) => f(r))), dirs };
  return sortedPositions(keys, n).map((i) => rows[i]!);
}

const sortKeys = (orders: SortExpr[], conf: ExecConf, partition: number) => {
  const ctx = ctxFor(conf, partition);
  return { fns: orders.map((o) => compileExpr(o.child, ctx)), dirs: orders.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst })) };
};

export const sortRows = registerShippable("sql.sortRows", function sortRows(orders: SortExpr[], conf: ExecConf, partition: number, it: Iterable<Row>): Row[] {
  const { fns, dirs } = sortKeys(orders, conf, partition);
  return sortByKeys([...it], fns, dirs);
});

/**
 * The partition's first `n` rows in `orders` order, as sortRows would give them, without sorting
 * the partition (ORDER BY ... LIMIT n, Spark's TakeOrderedAndProject): rows gather in a buffer of
 * at most max(2n, 1024), sorted and cut to n whenever it fills.
 */
export const takeOrderedRows = registerShippable("sql.takeOrderedRows", function takeOrderedRows(orders: SortExpr[], conf: ExecConf, n: number, partition: number, it: Iterable<Row>): Row[] {
  const { fns, dirs } = sortKeys(orders, conf, partition);
  const cap = Math.max(2 * n, 1024);
  let buf: Row[] = [];
  for (const row of it) {
    buf.push(row);
    if (buf.length >= cap) buf = sortByKeys(buf, fns, dirs).slice(0, n);
  }
  return sortByKeys(buf, fns, dirs).slice(0, n);
});

/**
 * TakeOrderedAndProject's last step, in one task over every partition's first rows: the first
 * offset + limit in `orders` order, the offset dropped, `project` evaluated on the rest.
 */
export const takeOrderedAndProject = registerShippable("sql.takeOrderedAndProject", function takeOrderedAndProject(
  orders: SortExpr[], conf: ExecConf, limit: number, offset: number, project: Expr[], partition: number, it: Iterable<Row>,
): Row[] {
  const top = takeOrderedRows(orders, conf, limit + offset, partition, it).slice(offset);
  const ctx = ctxFor(conf, partition);
  const fns = project.map((e) => compileExpr(e, ctx));
  return top.map((row) => fns.map((f) => f(row)));
});

// ---- set operations and dedup ---------------------------------------------------------------------

export const setOpPartition = registerShippable("sql.setOpPartition", function* setOpPartition(op: "intersect" | "except", all: boolean, left: Iterable<Row>, right: Iterable<Row>): Generator<Row> {
  const rc = new Map<NormalKey, number>();
  for (const r of right) { const nk = normalizeKey(r); rc.set(nk, (rc.get(nk) ?? 0) + 1); }
  const emitted = new Set<NormalKey>();
  for (const row of left) {
    const nk = normalizeKey(row);
    const c = rc.get(nk) ?? 0;
    if (op === "intersect") {
      if (all) { if (c > 0) { rc.set(nk, c - 1); yield row; } }
      else if (c > 0 && !emitted.has(nk)) { emitted.add(nk); yield row; }
    } else if (all) {
      if (c > 0) rc.set(nk, c - 1); else yield row;
    } else if (c === 0 && !emitted.has(nk)) { emitted.add(nk); yield row; }
  }
});

export const dedupPartition = registerShippable("sql.dedupPartition", function* dedupPartition(keys: Expr[], conf: ExecConf, partition: number, it: Iterable<Row>): Generator<Row> {
  const ctx = ctxFor(conf, partition);
  const fns = keys.map((e) => compileExpr(e, ctx));
  const seen = new Set<NormalKey>();
  for (const row of it) {
    const nk = normalizeKey(fns.map((f) => f(row)));
    if (seen.has(nk)) continue;
    seen.add(nk);
    yield row;
  }
});

export const takeRows = registerShippable("sql.takeRows", function* takeRows(n: number, offset: number, it: Iterable<Row>): Generator<Row> {
  let k = 0;
  for (const row of it) {
    if (k >= offset + n) return;
    if (k >= offset) yield row;
    k++;
  }
});

export const drainRows = registerShippable("sql.drainRows", function drainRows(it: Iterable<Row>): Row[] {
  return [...it];
});
