// The stateful operators of a micro-batch: a streaming aggregation and a streaming
// deduplication (the stream-stream join is in ./stream-join.ts). Each batch runs the operator's
// input (the plan below it, over the batch's rows) as a job on the workers - for an aggregation
// that job first computes per-key partial aggregates - shuffles it by state key into the
// operator's state partitions, and runs one state task per partition on the workers
// (./state-tasks.ts): merge into the partition's versioned state, drop rows the watermark has
// passed (numRowsDroppedByWatermark), emit for the output mode, evict, commit the next version.
// The emitted rows replace the operator in the plan above it.

import { AnalysisError } from "../common/errors";
import { canonical } from "../common/keys";
import { Column, DataFrame, F, type LogicalPlan, type SqlSession } from "../sql";
import type { Attr, Expr } from "../sql/expressions/expression";
import { outputOf } from "../sql/plan/logical-plan";
import type { RDD } from "../rdd";
import { withActionCallSite } from "../rdd/call-site";
import { sumMetrics, type StateMetrics } from "./state-store";
import { aggregateSessionState, aggregateState, deduplicateState, keyByState, type AggFn, type AggItem, type AggStateSpec, type DedupStateSpec, type EventTimeStats, type StateTaskResult } from "./state-tasks";
import { sessionBase, sessionWindowOf, type OutputMode, type SessionWindowInfo } from "./streaming-plan";

const AGG_FNS = new Set(["count", "sum", "min", "max", "avg", "mean"]);

export interface StatefulResult {
  rows: unknown[][];
  numRowsDroppedByWatermark: number;
  /** The state after the batch, summed over partitions (the progress's stateOperators). */
  metrics: StateMetrics;
  /** The batch's event-time statistics, when the operator's job computed them (see eventTimeCarrier). */
  eventTime?: EventTimeStats;
}

/** A stateful operator of a streaming query: its plan node, its state, one batch at a time. */
export interface StatefulOperator {
  readonly node: LogicalPlan;
  readonly operatorName: string;
  /** The number of state partitions (fixed for the life of the checkpoint). */
  readonly numPartitions: number;
  /**
   * `inputs` are the node's children over this batch's rows (null: provably no rows);
   * `watermarkMs` evicts state; `lateWatermarkMs` is the previous batch's watermark, which the
   * stream-stream join drops late input rows at (Spark's eventTimeWatermarkForLateEvents; the
   * aggregation and deduplication drop them at `watermarkMs`, as Spark 4.0.1 does in the
   * differential tests). Batch `batchId` reads state version batchId and commits batchId+1, so a
   * restarted query needs nothing but its next batch id.
   */
  run(session: SqlSession, inputs: (LogicalPlan | null)[], watermarkMs: number, batchId: number, lateWatermarkMs: number): Promise<StatefulResult>;
}

/** Where an operator's state lives: the checkpoint's operator directory, for this run of the query. */
export interface StateHome { operatorDir: string; runId: string; numPartitions: number }

/** Run the state tasks over `keyed` (already in numPartitions partitions) and sum what they return. */
export async function runStateTasks<T>(operator: string, batchId: number, keyed: RDD<T>, task: (i: number, it: Iterable<T>) => StateTaskResult[]): Promise<StatefulResult> {
  // Its stage reads "collect at stateStoreSave state (StateStoreRDD), batch N" in the job views.
  const parts = await withActionCallSite(`collect at ${operator} state (StateStoreRDD), batch ${batchId}`,
    () => keyed.mapPartitionsWithIndex(task).setName(`StateStoreRDD (${operator})`).collect());
  let dropped = 0, eventTime: EventTimeStats | undefined;
  const rows: unknown[][] = [];
  for (const p of parts) {
    for (const r of p.rows) rows.push(r);
    const e = p.eventTime;
    if (e) eventTime = eventTime ? { min: Math.min(eventTime.min, e.min), max: Math.max(eventTime.max, e.max), n: eventTime.n + e.n, sumSeconds: eventTime.sumSeconds + e.sumSeconds } : e;
    dropped += p.numRowsDroppedByWatermark;
  }
  return { rows, numRowsDroppedByWatermark: dropped, metrics: sumMetrics(parts), ...(eventTime ? { eventTime } : {}) };
}

/** This batch's rows of `input` (none when null), keyed by state key and shuffled into the state partitions. */
async function keyedInput(session: SqlSession, df: DataFrame | null, keyIdx: number[], numPartitions: number): Promise<RDD<[string, unknown[]]>> {
  if (!df) return session.sparkContext.parallelize<[string, unknown[]]>([], numPartitions);
  const rdd = await df.toInternalRdd();
  return rdd.mapPartitions((it: Iterable<unknown[]>) => keyByState(keyIdx, it)).partitionBy(numPartitions);
}

/** groupBy(...).agg(...) over a stream, with count/sum/min/max/avg merged across batches. */
export class StreamingAggregation implements StatefulOperator {
  readonly operatorName = "stateStoreSave";
  private readonly items: AggItem[] = [];
  private readonly partials: Expr[] = [];
  /** Grouped by session_window: sessions merge in the state tasks (the batch's rows enter as points). */
  private readonly session?: SessionWindowInfo;
  /**
   * `eventTimeAttr`: the watermark column, when this aggregation's partial job computes the batch's
   * event-time statistics too (streaming-plan.ts eventTimeCarrier).
   */
  constructor(readonly node: LogicalPlan & { kind: "Aggregate" }, private readonly home: StateHome, private readonly mode: OutputMode,
    private readonly watermarkKey: { index: number; field?: "end" } | undefined, readonly eventTimeAttr?: Attr) {
    this.session = sessionWindowOf(node);
    const keyText = node.groupBy.map((g) => canonical(g));
    for (const item of node.aggs) {
      const named = item.kind === "alias" ? item.child : item;
      const k = keyText.indexOf(canonical(named));
      if (k >= 0) { this.items.push({ kind: "key", index: k }); continue; }
      if (named.kind === "fn" && AGG_FNS.has(named.name) && !named.distinct) {
        const fn = (named.name === "mean" ? "avg" : named.name) as AggFn;
        const partial: number[] = [];
        const part = (name: string) => { partial.push(this.partials.length); this.partials.push({ kind: "fn", name, args: named.args }); };
        if (fn === "avg") { part("sum"); part("count"); } else part(fn);
        this.items.push({ kind: "agg", fn, partial });
        continue;
      }
      throw new AnalysisError("STREAMING_UNSUPPORTED_OPERATION",
        `Streaming aggregations support count, sum, min, max and avg (without DISTINCT) and grouping columns; '${item.kind === "alias" ? item.name : canonical(item)}' is not supported.`);
    }
  }
  get numPartitions(): number { return this.home.numPartitions; }

  /** Run one batch: `input` is the aggregation's child over this batch's rows. */
  async run(session: SqlSession, [input]: (LogicalPlan | null)[], watermarkMs: number, batchId: number): Promise<StatefulResult> {
    const nk = this.node.groupBy.length, sw = this.session;
    // Partial aggregates of the batch per grouping key; with a session window, per other keys and
    // event time (the points the state tasks merge into sessions), over the rows below the batch
    // rewrite of session_window.
    const groups = sw ? [...this.node.groupBy.filter((_, i) => i !== sw.keyIndex), sw.ts] : this.node.groupBy;
    const over = input && sw ? sessionBase(input) ?? input : input;
    const et = sw ? undefined : this.eventTimeAttr, t = et && new Column(et);
    const stats = t ? [F.min(t), F.max(t), F.count(t), F.sum(t.cast("double"))] : [];
    const partialDf = over === null || over === undefined ? null : new DataFrame(session, over)
      .groupBy(...groups.map((g) => new Column(g)))
      .agg(...this.partials.map((p, i) => new Column({ kind: "alias", child: p, name: `_partial${i}` } as Expr)), ...stats);
    const keyed = await keyedInput(session, partialDf, Array.from({ length: sw ? nk - 1 : nk }, (_, i) => i), this.numPartitions);
    const spec: AggStateSpec = {
      operatorDir: this.home.operatorDir, runId: this.home.runId, version: batchId, numKeys: nk,
      partialFns: this.partials.map((p) => (p as { name: string }).name), items: this.items, mode: this.mode,
      ...(this.watermarkKey ? { watermarkKey: this.watermarkKey } : {}), watermarkMs,
      ...(sw ? { session: { index: sw.keyIndex, gapMs: sw.gapMs } } : {}), ...(et ? { eventTimeStats: true } : {}),
    };
    return runStateTasks(this.operatorName, batchId, keyed, sw ? (i, it) => aggregateSessionState(spec, i, it) : (i, it) => aggregateState(spec, i, it));
  }
}

/** dropDuplicates(...) over a stream: keys seen in earlier batches (kept until the watermark passes them). */
export class StreamingDeduplication implements StatefulOperator {
  readonly operatorName = "dedupe";
  private readonly keyIdx: number[];
  private readonly timeIdx?: number;
  constructor(readonly node: LogicalPlan & { kind: "Deduplicate" }, private readonly home: StateHome, watermarkAttrIds: Set<number>) {
    const out = outputOf(node.child);
    this.keyIdx = node.keys.map((k) => out.findIndex((a) => a.id === k.id));
    const t = out.findIndex((a) => watermarkAttrIds.has(a.id));
    this.timeIdx = t >= 0 ? t : undefined;
  }
  get numPartitions(): number { return this.home.numPartitions; }

  async run(session: SqlSession, [input]: (LogicalPlan | null)[], watermarkMs: number, batchId: number): Promise<StatefulResult> {
    const keyIdx = this.keyIdx;
    const keyed = await keyedInput(session, input ? new DataFrame(session, input) : null, keyIdx, this.numPartitions);
    const spec: DedupStateSpec = {
      operatorDir: this.home.operatorDir, runId: this.home.runId, version: batchId, watermarkMs,
      ...(this.timeIdx !== undefined ? { timeIdx: this.timeIdx } : {}),
    };
    return runStateTasks(this.operatorName, batchId, keyed, (i, it) => deduplicateState(spec, keyIdx, i, it));
  }
}
