// Turns a physical plan into RDDs of row arrays: attributes are bound to row positions, narrow
// operators between exchanges are fused into one mapPartitions (one task does the whole chain),
// exchanges become partitionBy shuffles, broadcasts collect the small side in their own job (as
// Spark does) and ship it with sc.broadcast. Only engine functions registered by name and plain
// data are captured by the task closures.

import { ExecutionError, InternalError, assertNever } from "../../common/errors";
import type { RDD } from "../../rdd";
import { partial } from "../../common/closure";
import type { Attr, Expr, SortExpr, WindowFrame } from "../expressions/expression";
import { deterministic, transformUp } from "../expressions/expression";
import { getDataSource, scanHints } from "../datasource-contract";
import { StructType } from "../types";
import type { SqlSparkContext } from "../session-types";
import { physicalChildren, type PhysicalPlan, type Partitioning } from "../physical/physical-plan";
import {
  runPipeline, generateRange, readScanSplit, partialAggregate, finalAggregate, keyRows, dropKeys, sampleSortKeys,
  rangePartitionOf, keyBySortKey, sortRows, takeOrderedRows, takeOrderedAndProject, setOpPartition, dedupPartition,
  takeRows, countRows, type MetricsSink, type ExecConf, type PipeOp, type Row, type AggSpec,
} from "./operators";
import { joinPartitions, broadcastJoin, type JoinSpec } from "./join-operators";
import { windowPartition, type WindowSpecExec } from "./window-operators";
import { columnarChain, columnarFinalAgg, topKChain, type ColumnarChain } from "../physical/columnar-plan";
import { columnarFinalAggregate, type FinalAggSpec } from "./columnar/columnar-final-agg";
import { runColumnarStage, runCachedColumnarStage, runRangeColumnarStage, type ColumnarStageSpec, type StageOp } from "./columnar/columnar-stage";
import type { ColumnarAggSpec } from "./columnar/columnar-agg";
import { broadcastBatch, type ColumnarJoinSpec } from "./columnar/columnar-join";
import { concatBatches, type ColumnBatch } from "../column-batch";
import { cachedScanRows } from "./columnar/cached-batches";
import { refsOf } from "./columnar/vector-expr";
import type { ColumnarTopKSpec } from "./columnar/columnar-sort";
import { compareSortKeys } from "./sort-order";

/** A columnar stage's partial aggregate, bound to the rows below it. */
export function columnarAggSpec(agg: PhysicalPlan & { kind: "HashAggregate" }): ColumnarAggSpec {
  return { groupBy: agg.groupBy.map((e) => bindExpr(e, agg.child.output)), aggs: agg.aggCalls.map((a) => bindExpr(a, agg.child.output) as Expr & { kind: "fn" }) };
}

/**
 * A columnar stage's operators below its aggregate, bound to column positions, bottom up; with
 * each broadcast join's spec and the plan of its build side (broadcast by the caller).
 */
export function stageOps(chain: ColumnarChain): { ops: StageOp[]; joins: Array<{ spec: ColumnarJoinSpec; build: PhysicalPlan }> } {
  const ops: StageOp[] = [], joins: Array<{ spec: ColumnarJoinSpec; build: PhysicalPlan }> = [];
  for (const n of chain.nodes.filter((x) => x !== chain.agg).reverse()) {
    if (n.kind === "Filter") ops.push({ op: "filter", condition: bindExpr(n.condition, n.child.output) });
    else if (n.kind === "Project") ops.push({ op: "project", exprs: n.exprs.map((e) => bindExpr(e, n.child.output)) });
    else if (n.kind === "BroadcastHashJoin" && n.right.kind === "BroadcastExchange") {
      const spec: ColumnarJoinSpec = {
        joinType: n.joinType,
        leftKeys: n.leftKeys.map((e) => bindExpr(e, n.left.output)),
        rightKeys: n.rightKeys.map((e) => bindExpr(e, n.right.output)),
        nullSafe: n.nullSafe,
        condition: n.condition ? bindExpr(n.condition, [...n.left.output, ...n.right.output]) : undefined,
        rightTypes: n.right.output.map((a) => a.dataType),
        leftWidth: n.left.output.length,
      };
      ops.push({ op: "join", spec });
      joins.push({ spec, build: n.right.child });
    } else throw new InternalError("INTERNAL_ERROR", `${n.kind} in a columnar stage`);
  }
  return { ops, joins };
}

/** Build sides kept per cached relation (executor.broadcastBuild); the oldest is destroyed past this. */
const MAX_REUSED_BUILDS = 8;

/**
 * What a build side made from a cached relation depends on, as text: the columns read, each
 * filter and projection bound to column positions, the join's spec and the settings evaluation
 * reads. Undefined when it may differ from run to run (a nondeterministic expression, or an
 * operator other than a filter or projection).
 */
function reusedBuildKey(chain: ColumnarChain, spec: ColumnarJoinSpec, conf: ExecConf): string | undefined {
  const { ops, joins } = stageOps(chain);
  if (joins.length > 0 || !ops.every((op) => (op.op === "filter" ? deterministic(op.condition) : op.op === "project" && op.exprs.every(deterministic)))) return undefined;
  const positions = chain.scan.kind === "RddScan" ? chain.scan.cached?.positions : undefined;
  return JSON.stringify([positions, ops, spec, conf.ansi, conf.timeZone], (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

/** spark.range's partitions: [start, end, step] of each, as Spark splits the ids (by count). */
function rangeSplits(p: PhysicalPlan & { kind: "Range" }): [number, number, number][] {
  const count = Math.max(0, Math.ceil((p.end - p.start) / p.step));
  const n = Math.max(1, p.numPartitions);
  const descs: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor((count * i) / n), b = Math.floor((count * (i + 1)) / n);
    descs.push([p.start + a * p.step, p.start + b * p.step, p.step]);
  }
  return descs;
}

/** Replace attributes by positions in `input`. */
export function bindExpr(e: Expr, input: Attr[]): Expr {
  return transformUp(e, (x) => {
    if (x.kind !== "attr") return x;
    const i = input.findIndex((a) => a.id === x.id);
    if (i < 0) throw new InternalError("INTERNAL_ERROR", `attribute ${x.name}#${x.id} not found in [${input.map((a) => `${a.name}#${a.id}`).join(", ")}]`);
    return { kind: "ref", index: i, name: x.name, dataType: x.dataType, nullable: x.nullable };
  });
}

const bindSort = (o: SortExpr, input: Attr[]): SortExpr => ({ ...o, child: bindExpr(o.child, input) });

/** Operator ids in pre-order (the numbering explain("formatted") and the plan graph use). */
export function operatorIds(root: PhysicalPlan): Map<PhysicalPlan, number> {
  const ids = new Map<PhysicalPlan, number>();
  const walk = (p: PhysicalPlan) => { ids.set(p, ids.size + 1); physicalChildren(p).forEach(walk); };
  walk(root);
  return ids;
}

export class Executor {
  constructor(
    private readonly sc: SqlSparkContext,
    private readonly conf: ExecConf,
    private readonly sink?: MetricsSink,
    private readonly ids: Map<PhysicalPlan, number> = new Map(),
  ) {}

  async execute(p: PhysicalPlan): Promise<RDD<Row>> {
    const rdd = await this.executeNode(p);
    const sink = this.sink, id = this.ids.get(p);
    const counted = sink && id !== undefined && !["Project", "Filter", "Generate", "LocalLimit", "Exchange", "BroadcastExchange"].includes(p.kind);
    return counted ? rdd.mapPartitions(partial(countRows, sink, id), true) : rdd;
  }

  private async executeNode(p: PhysicalPlan): Promise<RDD<Row>> {
    const sc = this.sc, conf = this.conf;
    const chain = this.chainOf(p);
    if (chain) return this.executeColumnar(chain);
    switch (p.kind) {
      case "Project": case "Filter": case "Generate": case "LocalLimit": {
        const ops: PipeOp[] = [];
        const opIds: number[] = [];
        let node: PhysicalPlan = p;
        while (node.kind === "Project" || node.kind === "Filter" || node.kind === "Generate" || node.kind === "LocalLimit") {
          const input = node.child.output;
          opIds.push(this.ids.get(node) ?? 0);
          if (node.kind === "Project") ops.push({ op: "project", exprs: node.exprs.map((e) => bindExpr(e, input)) });
          else if (node.kind === "Filter") ops.push({ op: "filter", condition: bindExpr(node.condition, input) });
          else if (node.kind === "Generate") ops.push({ op: "generate", generator: bindExpr(node.generator, input) as Expr & { kind: "fn" }, outer: node.outer, width: node.output.length - input.length });
          else ops.push({ op: "limit", n: node.limit + node.offset });
          node = node.child;
        }
        ops.reverse();
        opIds.reverse();
        const base = await this.execute(node);
        const sink = this.sink;
        return base.mapPartitionsWithIndex(partial(runPipeline, ops, conf, sink, opIds));
      }
      case "LocalTableScan": return sc.parallelize(p.rows, p.numPartitions);
      case "Range": {
        const descs = rangeSplits(p);
        return sc.parallelize(descs, descs.length).mapPartitions(generateRange);
      }
      case "FileScan": {
        const spec = p.spec;
        const ds = getDataSource(spec.format);
        if (!ds) throw new ExecutionError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${spec.format}. Please find packages at \`https://spark.apache.org/third-party-projects.html\`.`);
        const splits = await ds.planSplits(spec.paths, spec.options, StructType.of(spec.dataSchema), scanHints(spec, sc.defaultParallelism));
        return sc.readSplits(splits, (split, tc) => readScanSplit(spec, split, (tc as { metrics?: { bytesRead: number; recordsRead: number } } | undefined)?.metrics), `FileScan ${spec.format}`);
      }
      case "RddScan": return (p.cached ? cachedScanRows(p.cached, p.rdd as RDD<unknown[]>) : p.rdd) as RDD<Row>;
      case "HashAggregate": {
        const child = await this.execute(p.child);
        const input = p.child.output;
        if (p.mode === "partial") {
          const spec: AggSpec = {
            groupBy: p.groupBy.map((e) => bindExpr(e, input)),
            aggs: p.aggCalls.map((a) => bindExpr(a, input) as Expr & { kind: "fn" }),
            result: [],
            conf,
          };
          return child.mapPartitionsWithIndex(partial(partialAggregate, spec));
        }
        const global = p.groupBy.length === 0;
        if (conf.columnar !== false && columnarFinalAgg(p)) {
          const { ansi, nowMillis, seed, timeZone } = conf;
          const fin: FinalAggSpec = { keys: p.groupBy.length, aggs: p.aggCalls, result: p.result, conf: { ansi, nowMillis, seed, timeZone } };
          return child.mapPartitionsWithIndex(partial(columnarFinalAggregate, fin, global));
        }
        const spec: AggSpec = { groupBy: p.groupBy, aggs: p.aggCalls, result: p.result, conf };
        return child.mapPartitionsWithIndex(partial(finalAggregate, spec, global));
      }
      case "Exchange": {
        const child = await this.execute(p.child);
        return this.exchange(child, p.partitioning, p.child.output);
      }
      case "BroadcastExchange":
        // Only reached when a broadcast is used outside a join: behaves like its child.
        return this.execute(p.child);
      case "BroadcastHashJoin": case "BroadcastNestedLoopJoin": case "ShuffledHashJoin": {
        const spec: JoinSpec = {
          joinType: p.joinType,
          leftKeys: p.leftKeys.map((e) => bindExpr(e, p.left.output)),
          rightKeys: p.rightKeys.map((e) => bindExpr(e, p.right.output)),
          condition: p.condition ? bindExpr(p.condition, [...p.left.output, ...p.right.output]) : undefined,
          leftWidth: p.left.output.length,
          rightWidth: p.right.output.length,
          nullSafe: p.nullSafe,
          conf,
        };
        const buildNode = p.buildSide === "left" ? p.left : p.right;
        if (buildNode.kind === "BroadcastExchange") {
          const built = await (await this.execute(buildNode.child)).collect();
          const bc = sc.broadcast(built);
          const stream = await this.execute(p.buildSide === "left" ? p.right : p.left);
          const buildLeft = p.buildSide === "left";
          return stream.mapPartitionsWithIndex(partial(broadcastJoin, spec, bc, buildLeft));
        }
        const left = await this.execute(p.left), right = await this.execute(p.right);
        return left.zipPartitions(right, partial(joinPartitions, spec));
      }
      case "Sort": {
        const child = await this.execute(p.child);
        const orders = p.orders.map((o) => bindSort(o, p.child.output));
        return child.mapPartitionsWithIndex(partial(sortRows, orders, conf), true);
      }
      case "TakeOrderedAndProject": {
        // Each partition's first rows (on its batches when the child is a columnar stage), then
        // those of all partitions in one task of a stage of its own, as Spark's does.
        const input = p.child.output, n = p.limit + p.offset;
        const orders = p.orders.map((o) => bindSort(o, input));
        const chain = conf.columnar !== false ? topKChain(p) : undefined;
        const local = chain
          ? await this.columnarStage(chain, "rows", { orders, n }) as RDD<Row>
          : (await this.execute(p.child)).mapPartitionsWithIndex(partial(takeOrderedRows, orders, conf, n), true);
        const project = p.projectList.map((e) => bindExpr(e, input));
        const one = await this.exchange(local, { type: "single" }, input);
        return one.mapPartitionsWithIndex(partial(takeOrderedAndProject, orders, conf, p.limit, p.offset, project));
      }
      case "GlobalLimit": {
        const child = await this.execute(p.child);
        const n = p.limit, off = p.offset;
        return child.coalesce(1).mapPartitions(partial(takeRows, n, off));
      }
      case "Union": {
        const rdds = await Promise.all(p.children.map((c) => this.execute(c)));
        return rdds.reduce((a, b) => a.union(b));
      }
      case "SetOp": {
        const left = await this.execute(p.left), right = await this.execute(p.right);
        const op = p.op, all = p.all;
        return left.zipPartitions(right, partial(setOpPartition, op, all));
      }
      case "Window": {
        const child = await this.execute(p.child);
        const input = p.child.output;
        const spec: WindowSpecExec = {
          partitionBy: p.partitionBy.map((e) => bindExpr(e, input)),
          orderBy: p.orderBy.map((o) => bindSort(o, input)),
          functions: p.windowExprs.map((w) => {
            const win = w.kind === "alias" ? w.child : w;
            if (win.kind !== "window") throw new InternalError("INTERNAL_ERROR", "window operator without a window expression");
            return { fn: bindExpr(win.fn, input) as Expr & { kind: "fn" }, frame: win.spec.frame as WindowFrame };
          }),
          conf,
        };
        return child.mapPartitionsWithIndex(partial(windowPartition, spec));
      }
      case "Deduplicate": {
        const child = await this.execute(p.child);
        const keys = p.keys.map((k) => bindExpr(k, p.child.output));
        return child.mapPartitionsWithIndex(partial(dedupPartition, keys, conf));
      }
      case "Coalesce": return (await this.execute(p.child)).coalesce(p.numPartitions);
      case "Sample": return (await this.execute(p.child)).sample(p.withReplacement, p.fraction, p.seed);
      default: return assertNever(p, "physical plan");
    }
  }

  /** The columnar chain topped by `p`, when columnar execution is on and `p` tops one. */
  private chainOf(p: PhysicalPlan): ColumnarChain | undefined {
    return this.conf.columnar !== false ? columnarChain(p) : undefined;
  }

  /** A columnar stage: scan batches, filters/projects/join probe, partial aggregate or rows. */
  private async executeColumnar(chain: ColumnarChain): Promise<RDD<Row>> {
    return (await this.columnarStage(chain, "rows")) as RDD<Row>;
  }

  /**
   * The build side of a columnar broadcast join as one column batch: collected as batches when it
   * runs as a columnar stage itself (a cached or Parquet dimension table: no row is built on
   * either side), else collected as rows and turned into a batch on the driver.
   */
  private async buildBatch(p: PhysicalPlan, spec: ColumnarJoinSpec): Promise<ColumnBatch> {
    const chain = this.chainOf(p);
    if (chain && !chain.agg) return concatBatches(await (await this.columnarStage(chain, "batches")).collect() as ColumnBatch[], spec.rightTypes.length);
    return broadcastBatch(await (await this.execute(p)).collect(), spec);
  }

  /**
   * The broadcast build side of a columnar join. One made from a cached relation by deterministic
   * filters and projections is kept with the cache (its `builds`) and reused by later queries:
   * the cache does not change while it holds, so neither does the build side; no job collects it
   * again and the executors keep the hash relation they built from it (columnar-join.ts).
   */
  private async broadcastBuild(p: PhysicalPlan, spec: ColumnarJoinSpec): Promise<{ readonly value: ColumnBatch }> {
    const chain = this.chainOf(p);
    const memo = chain && !chain.agg && chain.scan.kind === "RddScan" && chain.scan.cached?.batches ? chain.scan.cached.builds : undefined;
    const key = memo && reusedBuildKey(chain!, spec, this.conf);
    if (key === undefined) return this.sc.broadcast(await this.buildBatch(p, spec));
    const hit = memo!.get(key) as { readonly value: ColumnBatch } | undefined;
    if (hit) return hit;
    const bc = this.sc.broadcast(await this.buildBatch(p, spec));
    if (memo!.size >= MAX_REUSED_BUILDS) { const [first, old] = memo!.entries().next().value!; old.destroy?.(); memo!.delete(first); }
    memo!.set(key, bc);
    return bc;
  }

  /** `topK`: only each task's first rows in that order leave it (TakeOrderedAndProject). */
  private async columnarStage(chain: ColumnarChain, output: "rows" | "batches", topK?: ColumnarTopKSpec): Promise<RDD<Row | ColumnBatch>> {
    const sc = this.sc, sink = this.sink;
    const { ansi, nowMillis, seed, timeZone } = this.conf;
    const bottomUp = chain.nodes.filter((n) => n !== chain.agg).reverse();
    // execute() counts the rows of a top operator that is not a pipelined one itself (batches
    // leave without execute(): the stage counts its top then).
    const top = chain.nodes[0] ?? chain.scan;
    const topCounted = output === "rows" && !topK && !["Project", "Filter"].includes(top.kind);
    const idOf = (n: PhysicalPlan) => (topCounted && n === top ? 0 : this.ids.get(n) ?? 0);
    let bc: { readonly value: ColumnBatch } | undefined;
    const { ops, joins } = stageOps(chain);
    for (const j of joins) bc = await this.broadcastBuild(j.build, j.spec);
    const agg = chain.agg;
    markNeeded(ops, agg ? [...agg.groupBy, ...agg.aggCalls].map((e) => bindExpr(e, agg.child.output)) : undefined);
    const scan = chain.scan;
    const spec: ColumnarStageSpec = {
      ...(scan.kind === "FileScan" ? { scan: scan.spec } : {}),
      ops,
      agg: agg ? columnarAggSpec(agg) : undefined,
      topK,
      conf: { ansi, nowMillis, seed, timeZone },
      scanId: idOf(scan),
      opIds: bottomUp.map(idOf),
      aggId: agg ? idOf(agg) : 0,
      output,
    };
    if (scan.kind === "Range") { // the ids, generated as batches in the tasks
      const descs = rangeSplits(scan);
      return sc.parallelize(descs, descs.length).mapPartitionsWithIndex<Row | ColumnBatch>(partial(runRangeColumnarStage, spec, bc, sink));
    }
    if (scan.kind === "RddScan") { // InMemoryTableScan: the cached column batches
      const positions = scan.cached!.positions;
      return (scan.cached!.batches as RDD<ColumnBatch>).mapPartitionsWithIndex<Row | ColumnBatch>(partial(runCachedColumnarStage, spec, positions, bc, sink));
    }
    const fileScan = scan.spec;
    const ds = getDataSource(fileScan.format)!;
    const splits = await ds.planSplits(fileScan.paths, fileScan.options, StructType.of(fileScan.dataSchema), scanHints(fileScan, sc.defaultParallelism));
    return sc.readSplits<unknown, Row | ColumnBatch>(splits, partial(runColumnarStage, spec, bc, sink) as (split: unknown, ctx: unknown) => Promise<Iterable<Row | ColumnBatch>>, `FileScan ${fileScan.format} (columnar)`);
  }

  private async exchange(child: RDD<Row>, part: Partitioning, input: Attr[]): Promise<RDD<Row>> {
    const conf = this.conf;
    switch (part.type) {
      case "hash": {
        const keys = part.exprs.map((e) => bindExpr(e, input));
        return child.mapPartitionsWithIndex(partial(keyRows, keys, conf)).partitionBy(part.numPartitions).mapPartitions(dropKeys);
      }
      case "single":
        return child.mapPartitionsWithIndex(partial(keyRows, [], conf)).partitionBy(1).mapPartitions(dropKeys);
      case "roundRobin": return child.repartition(part.numPartitions);
      case "range": {
        const orders = part.orders.map((o) => bindSort(o, input));
        const n = part.numPartitions;
        const dirs = orders.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst }));
        // Like Spark's RangePartitioner: sample keys in a job of its own, pick n - 1 bounds.
        const perPartition = Math.max(20, Math.ceil((20 * n) / Math.max(1, child.getNumPartitions())));
        const samples = (await child.mapPartitionsWithIndex((i, it) => [sampleSortKeys(orders, conf, perPartition, i, it)]).collect()).flat(1) as unknown[][];
        samples.sort((a, b) => compareSortKeys(a, b, dirs));
        const bounds: unknown[][] = [];
        for (let i = 1; i < n && samples.length; i++) {
          const b = samples[Math.min(samples.length - 1, Math.floor((i * samples.length) / n))]!;
          if (!bounds.length || compareSortKeys(bounds[bounds.length - 1]!, b, dirs) < 0) bounds.push(b);
        }
        return child
          .mapPartitionsWithIndex(partial(keyBySortKey, orders, conf))
          .partitionBy(bounds.length + 1, partial(rangePartitionOf, bounds, dirs))
          .mapPartitions(dropKeys);
      }
    }
  }
}

/**
 * Which columns of a columnar join's output the operators above it read (walking down from the
 * aggregate, or all columns when the stage ends in rows), so the probe gathers only those.
 */
function markNeeded(ops: StageOp[], aggExprs: Expr[] | undefined): void {
  let needed: Set<number> | "all" = aggExprs ? new Set(aggExprs.flatMap((e) => refsOf(e))) : "all";
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (op.op === "project") needed = new Set(op.exprs.flatMap((e) => refsOf(e)));
    else if (op.op === "filter") { if (needed !== "all") for (const r of refsOf(op.condition)) needed.add(r); }
    else {
      const width = op.spec.rightTypes.length + (op.spec.leftWidth ?? 0);
      if (needed !== "all" && op.spec.leftWidth !== undefined) {
        const set = needed;
        op.spec.needed = Array.from({ length: width }, (_, c) => set.has(c) || (op.spec.condition ? refsOf(op.spec.condition).includes(c) : false));
      }
      // Below the join every stream column may be read (keys, condition, pass-through).
      needed = "all";
    }
  }
}
