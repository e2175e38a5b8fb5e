// Worker-side operator code of the physical plan. Every entry point is registered as a shippable
// by name, so a task carries only plain-data specs (bound expression trees, key positions,
// frames) and the evaluator itself is never re-shipped as source text. Rows are arrays.

import { registerShippable } from "../../common/closure";
import { ExecutionError } from "../../common/errors";
import { normalizeKey, type NormalKey } from "../../common/keys";
import type { Expr, SortExpr, WindowFrame } from "../expressions/expression";
import { compileExpr, defaultEvalContext } from "../expressions/eval";
import { aggRuntime, type AggRuntime } from "../expressions/aggregates";
import { lookupFunction, typeOf, type GeneratorDef, type EvalContext, type RowFn } from "../expressions/registry";
import { compareValues, rowComparator } from "../expressions/compare";
import { getDataSource, type ScanSpec } from "../datasource-contract";
import { StructType } from "../types";
// Registers the columnar stage's task entry point wherever the row operators are (workers too).
import "../columnar/columnar-stage";

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
 * pipelined operator includes its children's work, as in Spark's whole-stage metrics).
 */
export const countRows = registerShippable("sql.countRows", function* countRows(sink: MetricsSink | undefined, opId: number, it: Iterable<Row>): Generator<Row> {
  if (!sink) { for (const r of it) yield r; return; }
  let n = 0;
  let ms = 0;
  const iter = it[Symbol.iterator]();
  try {
    for (;;) {
      const t0 = performance.now();
      const r = iter.next();
      ms += performance.now() - t0;
      if (r.done) break;
      n++;
      yield r.value;
    }
  } finally {
    sink.add({ [`${opId}.rows`]: n, [`${opId}.ms`]: Math.round(ms * 1000) / 1000 });
  }
});

/** Settings captured by every task (plain data). */
export interface ExecConf {
  ansi: boolean;
  nowMillis: number;
  seed: number;
  /** Columnar stages over batched scans (spark.sql.parquet.enableVectorizedReader); default on. */
  columnar?: boolean;
}

const ctxFor = (conf: ExecConf, partition: number): EvalContext => defaultEvalContext(partition, conf);

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

function* applyOp(op: PipeOp, ctx: EvalContext, input: Iterable<Row>): Generator<Row> {
  switch (op.op) {
    case "project": {
      const fns = op.exprs.map((e) => compileExpr(e, ctx));
      const n = fns.length;
      for (const row of input) {
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = fns[i]!(row);
        yield out;
      }
      return;
    }
    case "filter": {
      const f = compileExpr(op.condition, ctx);
      for (const row of input) if (f(row) === true) yield row;
      return;
    }
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

export const runPipeline = registerShippable("sql.runPipeline", function runPipeline(ops: PipeOp[], conf: ExecConf, partition: number, it: Iterable<Row>, sink?: MetricsSink, opIds?: number[]): Iterable<Row> {
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

/** Read one split of a file scan through the registered data source. */
export const readScanSplit = registerShippable("sql.readScanSplit", async function readScanSplit(spec: ScanSpec, split: unknown): Promise<Iterable<Row>> {
  const ds = getDataSource(spec.format);
  if (!ds) throw new ExecutionError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${spec.format}.`);
  const required = spec.requiredColumns ?? spec.dataSchema.fields.map((f) => f.name);
  const out = ds.readSplit(split, {
    dataSchema: new StructType(spec.dataSchema.fields),
    requiredColumns: required,
    pushedFilters: spec.pushedFilters ?? [],
    options: spec.options,
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
  return spec.aggs.map((a) => aggRuntime(a));
}

/** Map side: one [groupKey, buffers] pair per group seen in this partition. */
export const partialAggregate = registerShippable("sql.partialAggregate", function* partialAggregate(spec: AggSpec, partition: number, it: Iterable<Row>): Generator<Row> {
  const ctx = ctxFor(spec.conf, partition);
  const keyFns = spec.groupBy.map((e) => compileExpr(e, ctx));
  const argFns = spec.aggs.map((a) => a.args.map((x) => compileExpr(x, ctx)));
  const rts = runtimes(spec);
  const groups = new Map<NormalKey, [unknown[], unknown[]]>();
  for (const row of it) {
    const key = keyFns.map((f) => f(row));
    const nk = keyFns.length === 1 ? normalizeKey(key[0]) : normalizeKey(key);
    let g = groups.get(nk);
    if (!g) { g = [key, rts.map((r) => r.init())]; groups.set(nk, g); }
    const bufs = g[1];
    for (let i = 0; i < rts.length; i++) {
      const fns = argFns[i]!;
      const vals = new Array(fns.length);
      for (let j = 0; j < fns.length; j++) vals[j] = fns[j]!(row);
      bufs[i] = rts[i]!.update(bufs[i], vals);
    }
  }
  for (const [key, bufs] of groups.values()) yield [...key, ...bufs];
});

/** Reduce side: merge buffers per key, finish, evaluate the result expressions. */
export const finalAggregate = registerShippable("sql.finalAggregate", function finalAggregate(spec: AggSpec, partition: number, it: Iterable<Row>, emitEmpty: boolean): Iterable<Row> {
  const ctx = ctxFor(spec.conf, partition);
  const rts = runtimes(spec);
  const k = spec.groupBy.length;
  const groups = new Map<NormalKey, [unknown[], unknown[]]>();
  for (const row of it) {
    const key = row.slice(0, k), bufs = row.slice(k);
    const nk = key.length === 1 ? normalizeKey(key[0]) : normalizeKey(key);
    const g = groups.get(nk);
    if (!g) { groups.set(nk, [key, bufs]); continue; }
    for (let i = 0; i < rts.length; i++) g[1][i] = rts[i]!.merge(g[1][i], bufs[i]);
  }
  if (emitEmpty && groups.size === 0 && spec.groupBy.length === 0) groups.set(null, [[], rts.map((r) => r.init())]);
  const resultFns = spec.result.map((e) => compileExpr(e, ctx));
  const out: Row[] = [];
  for (const [key, bufs] of groups.values()) {
    const base = [...key, ...bufs.map((b, i) => rts[i]!.finish(b))];
    out.push(resultFns.map((f) => f(base)));
  }
  return out;
});

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

export const sortRows = registerShippable("sql.sortRows", function sortRows(orders: SortExpr[], conf: ExecConf, partition: number, it: Iterable<Row>): Row[] {
  const ctx = ctxFor(conf, partition);
  const rows = [...it];
  const cmp = rowComparator(orders.map((o) => ({ get: compileExpr(o.child, ctx), ascending: o.ascending, nullsFirst: o.nullsFirst })));
  // Precompute keys once per row: comparators call get() O(n log n) times otherwise.
  const keyed = rows.map((r, i) => ({ r, i }));
  keyed.sort((a, b) => cmp(a.r, b.r) || a.i - b.i);
  return keyed.map((x) => x.r);
});

// ---- joins --------------------------------------------------------------------------------------------

export interface JoinSpec {
  joinType: "inner" | "left" | "right" | "full" | "left_semi" | "left_anti" | "cross";
  leftKeys: Expr[];
  rightKeys: Expr[];
  /** Residual condition bound to [...leftRow, ...rightRow]. */
  condition?: Expr;
  leftWidth: number;
  rightWidth: number;
  /** Null-safe equality per key (<=>). */
  nullSafe: boolean[];
  conf: ExecConf;
}

type Table = Map<NormalKey, Row[]>;

function buildTable(keyFns: RowFn[], rows: Iterable<Row>, nullSafe: boolean[]): { table: Table; all: Row[] } {
  const table: Table = new Map();
  const all: Row[] = [];
  for (const row of rows) {
    all.push(row);
    const key = keyFns.map((f) => f(row));
    if (key.some((k, i) => (k === null || k === undefined) && !nullSafe[i])) continue;
    const nk = normalizeKey(key.length === 1 ? key[0] : key);
    const bucket = table.get(nk);
    if (bucket) bucket.push(row); else table.set(nk, [row]);
  }
  return { table, all };
}

/**
 * Hash join of one partition: `stream` is probed against a table built from `build`. The build
 * side is the right input except for right outer joins (built on the left, like Spark's BuildLeft).
 */
export function* hashJoinRows(spec: JoinSpec, partition: number, left: Iterable<Row>, right: Iterable<Row>): Generator<Row> {
  const ctx = ctxFor(spec.conf, partition);
  const lk = spec.leftKeys.map((e) => compileExpr(e, ctx));
  const rk = spec.rightKeys.map((e) => compileExpr(e, ctx));
  const cond = spec.condition ? compileExpr(spec.condition, ctx) : undefined;
  const nullsL = new Array(spec.leftWidth).fill(null), nullsR = new Array(spec.rightWidth).fill(null);
  const keyOf = (fns: RowFn[], row: Row): NormalKey | undefined => {
    const key = fns.map((f) => f(row));
    if (key.some((k, i) => (k === null || k === undefined) && !spec.nullSafe[i])) return undefined;
    return normalizeKey(key.length === 1 ? key[0] : key);
  };
  if (spec.joinType === "right") {
    const { table } = buildTable(lk, left, spec.nullSafe);
    for (const r of right) {
      const k = keyOf(rk, r);
      let matched = false;
      if (k !== undefined) {
        for (const l of table.get(k) ?? []) {
          const joined = [...l, ...r];
          if (cond && cond(joined) !== true) continue;
          matched = true;
          yield joined;
        }
      }
      if (!matched) yield [...nullsL, ...r];
    }
    return;
  }
  const { table, all } = buildTable(rk, right, spec.nullSafe);
  const matchedRight = spec.joinType === "full" ? new Set<Row>() : undefined;
  const noKeys = lk.length === 0;
  for (const l of left) {
    const k = noKeys ? undefined : keyOf(lk, l);
    const candidates = noKeys ? all : k === undefined ? [] : table.get(k) ?? [];
    let matched = false;
    for (const r of candidates) {
      const joined = [...l, ...r];
      if (cond && cond(joined) !== true) continue;
      matched = true;
      if (spec.joinType === "left_semi" || spec.joinType === "left_anti") break;
      matchedRight?.add(r);
      yield joined;
    }
    if (spec.joinType === "left_semi" && matched) yield l;
    else if (spec.joinType === "left_anti" && !matched) yield l;
    else if (!matched && (spec.joinType === "left" || spec.joinType === "full")) yield [...l, ...nullsR];
  }
  if (matchedRight) for (const r of all) if (!matchedRight.has(r)) yield [...nullsL, ...r];
}

export const shuffledHashJoin = registerShippable("sql.shuffledHashJoin", function shuffledHashJoin(spec: JoinSpec, left: Iterable<[unknown, Row]>, right: Iterable<[unknown, Row]>): Iterable<Row> {
  const strip = function* (it: Iterable<[unknown, Row]>) { for (const kv of it) yield kv[1]; };
  return hashJoinRows(spec, 0, strip(left), strip(right));
});

export const joinPartitions = registerShippable("sql.joinPartitions", function joinPartitions(spec: JoinSpec, left: Iterable<Row>, right: Iterable<Row>): Iterable<Row> {
  return hashJoinRows(spec, 0, left, right);
});

/** Broadcast hash join: the streamed side's partition against the broadcast rows. */
export const broadcastJoin = registerShippable("sql.broadcastJoin", function broadcastJoin(spec: JoinSpec, partition: number, stream: Iterable<Row>, built: Row[], buildLeft: boolean): Iterable<Row> {
  return buildLeft ? hashJoinRows(spec, partition, built, stream) : hashJoinRows(spec, partition, stream, built);
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

// ---- window functions ----------------------------------------------------------------------------------

export interface WindowSpecExec {
  partitionBy: Expr[];
  orderBy: SortExpr[];
  /** Window function calls (ranking or aggregate) with args bound to the input row, and frames. */
  functions: { fn: Expr & { kind: "fn" }; frame: WindowFrame }[];
  conf: ExecConf;
}

export const windowPartition = registerShippable("sql.windowPartition", function windowPartition(spec: WindowSpecExec, partition: number, it: Iterable<Row>): Row[] {
  const ctx = ctxFor(spec.conf, partition);
  const pk = spec.partitionBy.map((e) => compileExpr(e, ctx));
  const ok = spec.orderBy.map((o) => compileExpr(o.child, ctx));
  const dirs = spec.orderBy.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst }));
  const rows = [...it].map((r, i) => ({ r, i, p: pk.map((f) => f(r)), o: ok.map((f) => f(r)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < a.p.length; i++) { const c = compareValues(a.p[i], b.p[i]); if (c) return c; }
    return compareSortKeys(a.o, b.o, dirs) || a.i - b.i;
  });
  const out: Row[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = start + 1;
    while (end < rows.length && rows[end]!.p.every((v, i) => compareValues(v, rows[start]!.p[i]) === 0)) end++;
    const group = rows.slice(start, end);
    const cols = spec.functions.map((f) => evalWindowFn(f.fn, f.frame, group, dirs, ctx));
    group.forEach((g, i) => out.push([...g.r, ...cols.map((c) => c[i])]));
    start = end;
  }
  return out;
});

type Keyed = { r: Row; o: unknown[] };

function evalWindowFn(fn: Expr & { kind: "fn" }, frame: WindowFrame, group: Keyed[], dirs: SortKeySpec[], ctx: EvalContext): unknown[] {
  const n = group.length;
  const name = fn.name.toLowerCase();
  const def = lookupFunction(name);
  const args = fn.args.map((a) => compileExpr(a, ctx));
  const peersEq = (i: number, j: number) => compareSortKeys(group[i]!.o, group[j]!.o, dirs) === 0;
  const res = new Array<unknown>(n);
  if (def?.kind === "window") {
    switch (name) {
      case "row_number": for (let i = 0; i < n; i++) res[i] = i + 1; return res;
      case "rank": case "percent_rank": {
        let rank = 1;
        for (let i = 0; i < n; i++) {
          if (i > 0 && !peersEq(i, i - 1)) rank = i + 1;
          res[i] = name === "rank" ? rank : n > 1 ? (rank - 1) / (n - 1) : 0;
        }
        return res;
      }
      case "dense_rank": {
        let rank = 1;
        for (let i = 0; i < n; i++) { if (i > 0 && !peersEq(i, i - 1)) rank++; res[i] = rank; }
        return res;
      }
      case "cume_dist": {
        let i = 0;
        while (i < n) {
          let j = i + 1;
          while (j < n && peersEq(j, i)) j++;
          for (let k = i; k < j; k++) res[k] = j / n;
          i = j;
        }
        return res;
      }
      case "ntile": {
        const buckets = Number(args[0]!(group[0]!.r));
        const size = Math.floor(n / buckets), extra = n % buckets;
        let i = 0;
        for (let b = 1; b <= buckets && i < n; b++) {
          const len = size + (b <= extra ? 1 : 0);
          for (let k = 0; k < len && i < n; k++) res[i++] = b;
        }
        return res;
      }
      case "lag": case "lead": {
        const off = args[1] ? Number(args[1](group[0]!.r)) : 1;
        for (let i = 0; i < n; i++) {
          const j = name === "lag" ? i - off : i + off;
          res[i] = j >= 0 && j < n ? args[0]!(group[j]!.r) : args[2] ? args[2](group[i]!.r) : null;
        }
        return res;
      }
      case "nth_value": {
        const k = Number(args[1]!(group[0]!.r));
        for (let i = 0; i < n; i++) {
          const [lo, hi] = frameBounds(frame, i, group, dirs);
          const j = lo + k - 1;
          res[i] = j <= hi && j < n ? args[0]!(group[j]!.r) : null;
        }
        return res;
      }
    }
  }
  // Aggregate over a frame.
  const rt = aggRuntime(fn);
  const vals = (i: number) => args.map((a) => a(group[i]!.r));
  const lower = frame.lower.type, upper = frame.upper.type;
  if (lower === "unboundedPreceding" && upper === "unboundedFollowing") {
    let b = rt.init();
    for (let i = 0; i < n; i++) b = rt.update(b, vals(i));
    const v = rt.finish(b);
    return res.fill(v);
  }
  if (lower === "unboundedPreceding" && upper === "currentRow") {
    // Running aggregate; a RANGE frame includes all peers of the current row.
    let b = rt.init();
    let i = 0;
    while (i < n) {
      let j = i + 1;
      if (frame.frameType === "range") while (j < n && peersEq(j, i)) j++;
      for (let k = i; k < j; k++) b = rt.update(b, vals(k));
      const v = rt.finish(structuredClone(b));
      for (let k = i; k < j; k++) res[k] = v;
      i = j;
    }
    return res;
  }
  for (let i = 0; i < n; i++) {
    const [lo, hi] = frameBounds(frame, i, group, dirs);
    let b = rt.init();
    for (let k = Math.max(lo, 0); k <= Math.min(hi, n - 1); k++) b = rt.update(b, vals(k));
    res[i] = rt.finish(b);
  }
  return res;
}

/** Inclusive row index range of the frame around row i. */
function frameBounds(frame: WindowFrame, i: number, group: Keyed[], dirs: SortKeySpec[]): [number, number] {
  const n = group.length;
  if (frame.frameType === "rows") {
    const lo = frame.lower.type === "unboundedPreceding" ? 0 : frame.lower.type === "currentRow" ? i : frame.lower.type === "offset" ? i + (frame.lower.offset ?? 0) : n;
    const hi = frame.upper.type === "unboundedFollowing" ? n - 1 : frame.upper.type === "currentRow" ? i : frame.upper.type === "offset" ? i + (frame.upper.offset ?? 0) : -1;
    return [lo, hi];
  }
  // RANGE: by the (single, numeric) order key value, or peers for CURRENT ROW.
  const key = group[i]!.o;
  const asc = dirs[0]?.ascending ?? true;
  const within = (j: number, b: typeof frame.lower, side: "lo" | "hi"): boolean => {
    if (b.type === "unboundedPreceding") return side === "lo";
    if (b.type === "unboundedFollowing") return side === "hi";
    const c = compareSortKeys(group[j]!.o, key, dirs);
    if (b.type === "currentRow") return side === "lo" ? c >= 0 : c <= 0;
    const v = group[j]!.o[0] as number, k = key[0] as number;
    if (v === null || k === null || v === undefined || k === undefined) return c === 0;
    const target = asc ? k + (b.offset ?? 0) : k - (b.offset ?? 0);
    return side === "lo" ? (asc ? v >= target : v <= target) : (asc ? v <= target : v >= target);
  };
  let lo = 0;
  while (lo < n && !within(lo, frame.lower, "lo")) lo++;
  let hi = n - 1;
  while (hi >= 0 && !within(hi, frame.upper, "hi")) hi--;
  return [lo, hi];
}

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
