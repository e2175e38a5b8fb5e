// One columnar stage inside a task (Spark's ColumnarToRow over a batched scan, plus whole-stage
// operators): column batches from the data source's readSplitColumns (or the in-memory cache, or
// spark.range's ids generated in the task), then filters, projects and
// a broadcast hash join probe per batch, then either a partial hash aggregate (its buffer rows
// leave the task), the top n rows in sort order (TakeOrderedAndProject's per-partition half) or
// rows (ColumnarToRow) for the row operators above. Plain-data spec; the
// entry point is registered by name so tasks ship only the spec.

import { registerShippable } from "../../../common/closure";
import { ExecutionError } from "../../../common/errors";
import { defaultEvalContext } from "../../expressions/eval";
import type { EvalContext } from "../../expressions/registry";
import { getDataSource, type ScanSpec } from "../../datasource-contract";
import { StructType } from "../../types";
import { BATCH_ROWS, batchRows, sliceBatch, unpacked, type ColumnBatch } from "../../column-batch";
import { ColumnarPartialAgg, type ColumnarAggSpec } from "./columnar-agg";
import { ColumnarHashJoin, type ColumnarJoinSpec } from "./columnar-join";
import { ColumnarTopK, type ColumnarTopKSpec } from "./columnar-sort";
import { compileOp, type ColumnarOp } from "./columnar-ops";
import { plainColumn } from "./vector-expr";

export type StageOp = ColumnarOp | { op: "join"; spec: ColumnarJoinSpec };

export interface ColumnarStageSpec {
  /** The file scan; absent for a stage over cached batches (runCachedColumnarStage). */
  scan?: ScanSpec;
  ops: StageOp[];
  agg?: ColumnarAggSpec;
  /** Without an aggregate: only the first n rows in this order leave the task. */
  topK?: ColumnarTopKSpec;
  conf: { ansi: boolean; nowMillis: number; seed: number; timeZone?: string };
  /** Operator ids for row-count metrics: the scan, each op, the aggregate (0 = not counted). */
  scanId: number;
  opIds: number[];
  aggId: number;
  /** "batches": without an aggregate, the stage's batches leave the task as they are (a broadcast build side). */
  output?: "rows" | "batches";
}

interface Sink { add(term: Record<string, number>): void }

/**
 * The join a stage's aggregate probes inside its generated loop (agg-codegen.ts): an inner join
 * on one key without a condition, followed only by projections of columns at the end of the ops.
 * Its step (`at`), the column positions each later projection picks, and which of the
 * aggregate's input columns (`width` of them) are build columns. The stage and
 * explain("codegen") ask this one function.
 */
export function fusedJoinOf(ops: StageOp[], width: number): { at: number; projections: number[][]; build: boolean[] } | undefined {
  let at = ops.length - 1;
  const projections: number[][] = [];
  for (let op = ops[at]; op?.op === "project" && op.exprs.every((e) => plainColumn(e)); op = ops[--at]) projections.unshift(op.exprs.map((e) => plainColumn(e)!.index));
  const join = ops[at];
  if (join?.op !== "join" || join.spec.joinType !== "inner" || join.spec.leftKeys.length !== 1 || join.spec.condition) return undefined;
  let pos = Array.from({ length: width }, (_, c) => c);
  for (let k = projections.length - 1; k >= 0; k--) pos = pos.map((c) => projections[k]![c]!);
  return { at, projections, build: pos.map((c) => c >= (join.spec.leftWidth ?? Infinity)) };
}

/** Compiled per task: batches in, batches (or aggregate rows) out. */
export class ColumnarStage {
  private readonly steps: ((b: ColumnBatch) => ColumnBatch)[];
  private readonly agg?: ColumnarPartialAgg;
  private readonly topK?: ColumnarTopK;
  readonly out: ColumnBatch[] = [];
  readonly counts: number[];
  scanned = 0;

  /**
   * The aggregate's input is a join followed only by projections of columns: the join can be
   * probed inside the aggregate's generated loop (agg-codegen.ts). `at`: the join's step;
   * `projections`: the column positions each later projection picks.
   */
  private fusedJoin?: { at: number; join: ColumnarHashJoin; projections: number[][] };

  constructor(spec: Pick<ColumnarStageSpec, "ops" | "agg" | "topK">, ctx: EvalContext, built?: ColumnBatch) {
    const joins: ColumnarHashJoin[] = [];
    this.steps = spec.ops.map((op) => {
      if (op.op !== "join") return compileOp(op, ctx);
      // With an aggregate at the end each joined batch is consumed before the next probe.
      const j = new ColumnarHashJoin(op.spec, built ?? { length: 0, columns: op.spec.rightTypes.map(() => ({ kind: "any", values: [] })) }, ctx, !!spec.agg);
      joins.push(j);
      return (b: ColumnBatch) => j.probe(b);
    });
    this.counts = spec.ops.map(() => 0);
    if (spec.agg) this.agg = new ColumnarPartialAgg(spec.agg, ctx);
    else if (spec.topK) this.topK = new ColumnarTopK(spec.topK, ctx);
    const fused = spec.agg && fusedJoinOf(spec.ops, 0);
    if (fused) this.fusedJoin = { at: fused.at, join: joins[joins.length - 1]!, projections: fused.projections };
  }

  add(batch: ColumnBatch): void {
    this.scanned += batch.length;
    let b = batch;
    for (let i = 0; i < this.steps.length; i++) {
      if (i === this.fusedJoin?.at) {
        // Join and aggregate in one generated loop; rows it leaves are joined and added as usual.
        const probe = this.fusedJoin.join.fusedProbe(b);
        if (probe) {
          let columns = [...b.columns, ...probe.build];
          for (const p of this.fusedJoin.projections) columns = p.map((c) => columns[c]!);
          probe.matched[0] = 0;
          const from = this.agg!.addProbed({ length: b.length, columns }, probe);
          for (let k = i; k < this.steps.length; k++) this.counts[k]! += probe.matched[0]!;
          if (from === b.length) return;
          if (from > 0) b = sliceBatch(b, from);
        }
      }
      b = this.steps[i]!(b);
      this.counts[i]! += b.length;
    }
    if (this.agg) this.agg.add(b);
    else if (this.topK) this.topK.add(b);
    else if (b.length) this.out.push(b);
  }

  /** Aggregate buffer rows, the top n rows, or the batches' rows. */
  rows(): Iterable<unknown[]> {
    if (this.agg) return [...this.agg.rows()];
    if (this.topK) return this.topK.rows();
    const out = this.out;
    return (function* () { for (const b of out) yield* batchRows(b); })();
  }
}

export const runColumnarStage = registerShippable("sql.runColumnarStage", async function runColumnarStage(
  spec: ColumnarStageSpec, broadcast: { readonly value: ColumnBatch } | undefined, sink: Sink | undefined,
  split: unknown, task: unknown,
): Promise<Iterable<unknown[]> | ColumnBatch[]> {
  const tc = task as { partitionId: number; metrics?: { bytesRead: number; recordsRead: number } } | undefined;
  const partition = tc?.partitionId ?? 0, taskMetrics = tc?.metrics, built = broadcast?.value;
  const scan = spec.scan!;
  const ds = getDataSource(scan.format);
  if (!ds?.readSplitColumns) throw new ExecutionError("DATA_SOURCE_NOT_FOUND", `No columnar reader for the data source: ${scan.format}.`);
  const ctx = defaultEvalContext(partition, spec.conf);
  const stage = new ColumnarStage(spec, ctx, built);
  const t0 = performance.now();
  const batches = ds.readSplitColumns(split, {
    dataSchema: new StructType(scan.dataSchema.fields),
    requiredColumns: scan.requiredColumns ?? scan.dataSchema.fields.map((f) => f.name),
    pushedFilters: scan.pushedFilters ?? [],
    options: scan.options,
    taskMetrics,
    // An aggregate consumes each batch in add(): the reader may reuse its arrays.
    reuseBuffers: !!spec.agg,
  });
  for await (const b of batches) stage.add(b);
  return stageResult(spec, stage, t0, sink);
});

/** The stage over the batches of an in-memory columnar cache (only the columns at `positions`). */
export const runCachedColumnarStage = registerShippable("sql.runCachedColumnarStage", function runCachedColumnarStage(
  spec: ColumnarStageSpec, positions: number[], broadcast: { readonly value: ColumnBatch } | undefined, sink: Sink | undefined, partition: number, batches: Iterable<ColumnBatch>,
): Iterable<unknown[]> | ColumnBatch[] {
  const stage = new ColumnarStage(spec, defaultEvalContext(partition, spec.conf), broadcast?.value);
  const t0 = performance.now();
  for (const b of batches) stage.add({ length: b.length, columns: positions.map((c) => unpacked(b.columns[c]!, b.length)) });
  return stageResult(spec, stage, t0, sink);
});

/**
 * The stage over spark.range's ids: each [start, end, step] of the partition generated as
 * Float64Array batches holding the numbers the row path's generateRange yields (the planner
 * takes this path only for safe-integer bounds, columnar-plan.ts).
 */
export const runRangeColumnarStage = registerShippable("sql.runRangeColumnarStage", function runRangeColumnarStage(
  spec: ColumnarStageSpec, broadcast: { readonly value: ColumnBatch } | undefined, sink: Sink | undefined, partition: number, ranges: Iterable<[number, number, number]>,
): Iterable<unknown[]> | ColumnBatch[] {
  const stage = new ColumnarStage(spec, defaultEvalContext(partition, spec.conf), broadcast?.value);
  const t0 = performance.now();
  for (const [start, end, step] of ranges) {
    const up = step > 0;
    let x = start;
    while (up ? x < end : x > end) {
      const cap = Math.min(BATCH_ROWS, Math.max(1, Math.ceil((end - x) / step)));
      const ids = new Float64Array(cap);
      let n = 0;
      for (; n < cap && (up ? x < end : x > end); n++, x += step) ids[n] = x;
      stage.add({ length: n, columns: [{ kind: "f64", values: n === cap ? ids : ids.subarray(0, n), nulls: null }] });
    }
  }
  return stageResult(spec, stage, t0, sink);
});

function stageResult(spec: ColumnarStageSpec, stage: ColumnarStage, t0: number, sink: Sink | undefined): Iterable<unknown[]> | ColumnBatch[] {
  const rows = spec.output === "batches" && !spec.agg && !spec.topK ? stage.out : stage.rows();
  if (sink) {
    const m: Record<string, number> = {};
    if (spec.scanId) m[`${spec.scanId}.rows`] = stage.scanned;
    spec.opIds.forEach((id, i) => { if (id) m[`${id}.rows`] = stage.counts[i]!; });
    if (spec.aggId && Array.isArray(rows)) m[`${spec.aggId}.rows`] = rows.length;
    if (spec.aggId) m[`${spec.aggId}.ms`] = Math.round((performance.now() - t0) * 1000) / 1000;
    sink.add(m);
  }
  return rows;
}
