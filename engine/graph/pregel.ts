// The driver of the Pregel engine (the worker side is pregel-partition.ts). The vertices are
// hash-partitioned (an edge cut) into vertex partitions that stay in the executors' memory for the
// whole run: the single value of each partition of a cached RDD, updated in place superstep by
// superstep. In barrier mode (the default when every partition can have a task slot at once) the
// supersteps run as one stage of long-running tasks, one per partition, exchanging messages task to
// task with this driver's hub as the barrier (pregel-barrier.ts, pregel-hub.ts). Otherwise one job
// per superstep: its map stage replays the messages each partition sent in the previous superstep
// into a shuffle (buffered per destination partition, combined per destination vertex), its result
// stage runs compute() on every partition with the messages it received and returns the
// statistics; the job boundary is the barrier. Every K supersteps each partition writes itself and
// the messages in flight to the checkpoint directory; a partition found behind the run (its worker
// was lost) makes the driver restart every partition from the last checkpoint.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { partial } from "../common/closure";
import { AnalysisError, ExecutionError } from "../common/errors";
import type { RDD } from "../rdd";
import { StorageLevel } from "../storage";
import type { VertexId } from "./graph-data";
import { messageFlowHtml, messageFlowText } from "./message-flow";
import { PregelSegmentRDD, type SegmentArgs, type SegmentFns } from "./pregel-barrier";
import { PregelHub } from "./pregel-hub";
import {
  pregelBuildPartition, pregelDescribe, pregelReplay, pregelRestorePartition, pregelRouteEdges, pregelRouteVertices,
  pregelValues, type BuildBucket, type EdgeInput, type MessageBucket, type MessageSample, type SuperstepMetrics, type SuperstepSpec, type SuperstepStats, type VertexPartition,
} from "./pregel-partition";
import { pregelSuperstep } from "./pregel-superstep";

export type { SuperstepMetrics };

// Live objects in the executors' memory (the partitions are updated in place).
const RESIDENT = StorageLevel.MEMORY_AND_DISK_DESER;

export interface PregelVertex<V, E> {
  readonly id: VertexId;
  value: V;
  /** Out-edges: target id and edge value; compute() may change them (the objects are built on first use). */
  edges: Array<{ target: VertexId; value: E }>;
  /** The number of out-edges, read without building the edge objects (Giraph's getNumEdges). */
  readonly numEdges: number;
  /** The target of out-edge k (0 <= k < numEdges), read without building the edge objects. */
  edgeTarget(k: number): VertexId;
  /** The value of out-edge k, read without building the edge objects. */
  edgeValue(k: number): E;
  /** The values of every out-edge in edge order, without building the edge objects (a copy: a typed array when they are numbers). */
  edgeValues(): ArrayLike<E>;
}

export interface PregelContext<M> {
  readonly superstep: number;
  readonly numVertices: number;
  sendMessageTo(id: VertexId, msg: M): void;
  sendToAllNeighbors(msg: M): void;
  voteToHalt(): void;
  /** Add a value to a named aggregator; the reduced value is visible in the next superstep. */
  aggregate(name: string, value: unknown): void;
  getAggregatedValue<T = unknown>(name: string): T | undefined;
}

export type ComputeFn<V, E, M> = (vertex: PregelVertex<V, E>, messages: M[], ctx: PregelContext<M>) => void;

export interface PregelOptions<M> {
  maxSupersteps?: number;
  /** Combines two messages for the same destination (applied before sending and on receipt). */
  combiner?: (a: M, b: M) => M;
  /** Named reducers for aggregators, e.g. { dangling: (a, b) => a + b }. */
  aggregators?: Record<string, (a: unknown, b: unknown) => unknown>;
  numPartitions?: number;
  /** Checkpoint the vertex state every K supersteps (needs sc.setCheckpointDir). */
  checkpointInterval?: number;
  /** Record vertex values per superstep (small graphs only). */
  recordValues?: boolean;
  /** With `vertices` null: the value of every vertex (every edge end), GraphX's Graph.fromEdges. */
  defaultValue?: unknown;
  /**
   * Run the supersteps as one barrier stage: a long-running task per vertex partition, messages sent
   * task to task, the driver's hub as the barrier (Spark's barrier execution mode). Default: when
   * every partition can have a task slot at once and recordValues is off; false: one job per
   * superstep; true: required (PREGEL_BARRIER_SLOTS when the cluster has too few task slots).
   */
  barrier?: boolean;
  /** Called on the driver after every superstep with its metrics (live progress); the next superstep waits for what it returns. */
  onSuperstep?: (m: SuperstepMetrics) => void | Promise<void>;
}

export interface PregelResult<V> {
  values: Map<VertexId, V>;
  supersteps: number;
  metrics: SuperstepMetrics[];
  aggregates: Record<string, unknown>;
  history?: Array<Array<[VertexId, V]>>;
  /** Times the run restarted from a checkpoint (or from the start) after losing a partition. */
  restarts: number;
  /** The messages on the edges, superstep by superstep (counts per partition and a sample with the partitioner's arithmetic); displays in a notebook. */
  messageFlow(): { _repr_mimebundle_(): Record<string, string>; toString(): string };
}


const MAX_RESTARTS = 8;
/** How long a barrier segment's tasks have to start before the run goes on without barriers. */
const BARRIER_START_TIMEOUT_MS = 10_000;

function messageFlow(metrics: SuperstepMetrics[]): { _repr_mimebundle_(): Record<string, string>; toString(): string } {
  return { _repr_mimebundle_: () => ({ "text/plain": messageFlowText(metrics), "text/html": messageFlowHtml(metrics) }), toString: () => messageFlowText(metrics) };
}

function isStateLost(e: unknown): boolean {
  return /PREGEL_STATE_LOST/.test(e instanceof Error ? `${(e as { condition?: string }).condition ?? ""} ${e.message}` : String(e));
}

/**
 * Run compute() on every vertex until all have voted to halt and no message is in flight.
 * `vertices` null: every end of an edge is a vertex with `opts.defaultValue` (Graph.fromEdges).
 */
export async function runPregel<V, E, M>(
  vertices: RDD<[VertexId, V]> | null,
  edges: RDD<[VertexId, VertexId, E]>,
  compute: ComputeFn<V, E, M>,
  opts: PregelOptions<M> = {},
  /** How the edge records read (the algorithms' weighted or undirected edges); as given by default. */
  edgeInput: EdgeInput = {},
): Promise<PregelResult<V>> {
  const parts = opts.numPartitions ?? Math.max((vertices ?? edges).getNumPartitions(), 1);
  const maxSupersteps = opts.maxSupersteps ?? 10_000;
  const combiner = (opts.combiner ?? null) as ((a: unknown, b: unknown) => unknown) | null;
  const reducers = (opts.aggregators ?? {}) as Record<string, (a: unknown, b: unknown) => unknown>;
  const sc = edges.context as unknown as { checkpointDir?: string };
  const explicit = vertices !== null, defaultValue = opts.defaultValue ?? null;
  const run = `pregel-${randomBytes(6).toString("hex")}`;
  const fn = compute as unknown as Parameters<typeof pregelSuperstep>[1];
  const cancelled = (): number => (edges.context as unknown as { allJobsCancelled?: number }).allJobsCancelled ?? 0;
  const cancelledAtStart = cancelled();

  // The vertex partitions: vertices and edges routed to their partition as columns, then built.
  const build = (): RDD<VertexPartition> => {
    // The engine's functions with their leading arguments (partial: shipped without reading any closure).
    const routedEdges = edges.mapPartitions(partial(pregelRouteEdges, parts, edgeInput));
    const routed: RDD<[number, BuildBucket]> = vertices
      ? vertices.mapPartitions(partial(pregelRouteVertices, parts)).union(routedEdges)
      : routedEdges;
    return routed.partitionBy(parts, (q: number) => q)
      .mapPartitionsWithIndex(partial(pregelBuildPartition, parts, explicit, defaultValue))
      .setName(`Pregel vertex partitions (${run})`).persist(RESIDENT);
  };
  let state = build();
  const described = (await state.mapPartitions(pregelDescribe).collect()) as Array<[number, VertexPartition["problem"] | null]>;
  const problem = described.map((d) => d[1]).find((p) => p);
  if (problem) {
    state.unpersist();
    const [kind, id, n] = problem;
    if (kind === "missing") throw new AnalysisError("GRAPH_MISSING_VERTEX", `An edge refers to vertex ${JSON.stringify(id)}, which is not in the vertices.`, { parameters: { id } });
    throw new AnalysisError("GRAPH_DUPLICATE_VERTEX", `Vertex id ${JSON.stringify(id)} appears ${n} times.`, { parameters: { id } });
  }
  const numVertices = described.reduce((a, d) => a + d[0], 0);

  let aggregates: Record<string, unknown> = {};
  const metrics: SuperstepMetrics[] = [];
  const history: Array<Array<[VertexId, V]>> = [];
  let checkpoint: { step: number; dir: string; aggregates: Record<string, unknown>; metrics: number } | null = null;
  let restarts = 0;
  // The values the last barrier segment's tasks returned at the end of the run (then no job reads them).
  let ended: Array<[VertexId, V]> | null = null;
  const values = async (step: number): Promise<Array<[VertexId, V]>> =>
    (await state.mapPartitions(partial(pregelValues, step)).collect()) as Array<[VertexId, V]>;
  // A partition behind the run: every partition goes back to the last checkpoint (or the start).
  const restart = (e: unknown): number => {
    if (!isStateLost(e) || ++restarts > MAX_RESTARTS) throw e;
    state.unpersist();
    ended = null;
    if (!checkpoint) {
      state = build();
      aggregates = {};
      metrics.length = 0; history.length = 0;
      return 0;
    }
    const dir = checkpoint.dir;
    state = (edges.context as unknown as { parallelize<T>(xs: T[], n: number): RDD<T> }).parallelize(Array.from({ length: parts }, (_, i) => i), parts)
      .mapPartitionsWithIndex((pid: number) => pregelRestorePartition(dir, pid))
      .setName(`Pregel vertex partitions (${run}, from checkpoint)`).persist(RESIDENT);
    aggregates = checkpoint.aggregates;
    metrics.length = checkpoint.metrics; history.length = Math.min(history.length, checkpoint.metrics);
    return checkpoint.step + 1;
  };

  let superstep = 0, finished = false;
  // A superstep done on every partition: its metrics, the reduced aggregators, whether the run ends.
  const completeSuperstep = async (stats: SuperstepStats[], timeMs: number): Promise<void> => {
    const ckpt = checkpointAt(superstep);
    const tot = [0, 0, 0, 0, 0, 0];
    const perPartition = new Array<number>(parts).fill(0);
    const sample: MessageSample[] = [];
    const nextAggs: Record<string, unknown> = {};
    for (const s of stats) {
      s.counts.forEach((x, i) => { tot[i]! += x; });
      s.sentTo.forEach((x, q) => { perPartition[q]! += x; });
      sample.push(...s.sample);
      for (const [k, v] of Object.entries(s.partial)) nextAggs[k] = k in nextAggs ? reducers[k]!(nextAggs[k], v) : v;
    }
    aggregates = nextAggs;
    const m: SuperstepMetrics = {
      superstep, activeVertices: tot[0]!, haltedAfter: tot[1]!, messagesSent: tot[2]!, messagesLocal: tot[3]!,
      messagesRemote: tot[2]! - tot[3]!, messagesAfterCombine: tot[4]!, bytes: tot[5]!, timeMs, checkpointed: ckpt !== undefined,
      messagesPerPartition: perPartition, sample: sample.sort((a, b) => a.fromPartition - b.fromPartition),
    };
    metrics.push(m);
    if (ckpt) checkpoint = { step: superstep, dir: ckpt, aggregates, metrics: metrics.length };
    superstep++;
    finished = tot[2] === 0 && tot[1] === numVertices;
    await opts.onSuperstep?.(m);
    // sc.cancelAllJobs() (an interrupted cell) ends the run in either mode: without barriers it
    // may come between two supersteps' jobs, when no job is running to be cancelled.
    if (cancelled() !== cancelledAtStart) throw new ExecutionError("JOB_CANCELLED", `Pregel run ${run} cancelled after superstep ${superstep - 1} as part of cancellation of all jobs`);
  };
  const checkpointAt = (step: number): string | undefined =>
    opts.checkpointInterval && (step + 1) % opts.checkpointInterval === 0 && sc.checkpointDir ? join(sc.checkpointDir, run, `superstep-${step}`) : undefined;

  // Barrier mode: supersteps as one stage of long-running tasks, one per partition, which need a
  // task slot each at the same time (else, and with recordValues, one job per superstep).
  const slots = (): number => (edges.context as unknown as { cluster?: { scheduler?: { totalSlots?: number } } }).cluster?.scheduler?.totalSlots ?? 0;
  if (opts.barrier === true && parts > slots()) {
    state.unpersist();
    throw new AnalysisError("PREGEL_BARRIER_SLOTS", `Barrier mode runs one task per vertex partition at the same time: ${parts} partitions need ${parts} task slots, the cluster has ${slots()}.`, { parameters: { partitions: parts, slots: slots() } });
  }
  let barrier = opts.barrier !== false && !opts.recordValues;
  let attempt = 0, resident = true;
  const segment = async (): Promise<void> => {
    if (!resident) { await state.mapPartitions(pregelDescribe).collect(); resident = true; }
    let last = Date.now(), driverFailure: unknown = null;
    const hub = await new PregelHub(parts, ++attempt, async (_step, stats) => {
      const now = Date.now();
      try {
        await completeSuperstep(stats, now - last);
      } catch (e) {
        driverFailure = e; // an aggregator or onSuperstep threw: the run fails with it, as without barriers
        throw e;
      }
      last = Date.now();
      return { aggregates, stop: finished || superstep >= maxSupersteps };
    }, BARRIER_START_TIMEOUT_MS).start();
    const args: SegmentArgs = {
      hubUrl: hub.url, secret: hub.secret, attempt, parts, start: superstep, numVertices, aggregates,
      checkpoint: opts.checkpointInterval && sc.checkpointDir ? { dir: join(sc.checkpointDir, run), interval: opts.checkpointInterval } : null,
    };
    const fns = (): SegmentFns => ({ compute: fn, combiner, reducers });
    try {
      const reports = await new PregelSegmentRDD(edges.context, state, args, fns).setName(`Pregel supersteps from ${superstep} (${run})`).collect();
      if (reports.length === parts && reports.every((r) => r.values !== undefined && r.to === superstep)) ended = reports.flatMap((r) => r.values!) as Array<[VertexId, V]>;
    } catch (e) {
      // compute() threw: the run fails with the user's message (whichever task's failure came first).
      if (hub.computeFailed !== null) throw e instanceof Error && e.message.includes(hub.computeFailed) ? e : new ExecutionError("PREGEL_COMPUTE_FAILED", hub.computeFailed);
      if (driverFailure !== null) throw driverFailure;
      // A cancelled job (an interrupted cell) ends the run; so does any failure that is not a lost
      // task or partition. Those restart it from the last checkpoint.
      if (/JOB_CANCELLED/.test(e instanceof Error ? `${(e as { condition?: string }).condition ?? ""} ${e.message}` : String(e))) throw e;
      // A task that never reached the hub (too few free slots, or a worker that cannot reach this
      // driver's loopback hub): the run goes on without barriers.
      const incomplete = hub.started < parts;
      if (!incomplete && hub.aborted === null && !isStateLost(e)) throw e;
      if (incomplete) barrier = false;
      throw new ExecutionError("PREGEL_STATE_LOST", `A Pregel barrier segment failed (${hub.aborted ?? (e as Error).message}).`);
    } finally {
      await hub.close();
    }
  };

  for (;;) {
    // The end (every vertex halted and no message in flight, or maxSupersteps): read the values,
    // which are those after `superstep` supersteps unless a partition was lost on the way.
    if (finished || superstep >= maxSupersteps) {
      try {
        const result = new Map(ended ?? await values(superstep));
        state.unpersist();
        return { values: result, supersteps: superstep, metrics, aggregates, restarts, ...(opts.recordValues ? { history } : {}), messageFlow: () => messageFlow(metrics) };
      } catch (e) {
        superstep = restart(e);
        resident = false;
        finished = false;
        continue;
      }
    }
    if (barrier && parts <= slots()) {
      try {
        await segment();
      } catch (e) {
        superstep = restart(e);
        resident = false;
        finished = false;
      }
      continue;
    }
    const t0 = Date.now();
    const ckpt = checkpointAt(superstep);
    const spec: SuperstepSpec = { step: superstep, numVertices, aggregates, combine: combiner !== null, ...(ckpt ? { checkpoint: ckpt } : {}) };
    const prev = superstep - 1;
    const out: RDD<SuperstepStats> = superstep === 0
      ? state.mapPartitions((it: Iterable<VertexPartition>) => pregelSuperstep(spec, fn, combiner, reducers, it, []))
      : state.zipPartitions(
        state.mapPartitions((it: Iterable<VertexPartition>) => pregelReplay(prev, it)).partitionBy(parts, (q: number) => q),
        (it: Iterable<VertexPartition>, inbox: Iterable<[number, MessageBucket]>) => pregelSuperstep(spec, fn, combiner, reducers, it, inbox),
      );
    let stats: SuperstepStats[];
    try {
      stats = (await out.setName(`Pregel superstep ${superstep}`).collect()) as SuperstepStats[];
      resident = true;
      if (opts.recordValues) history.push(await values(superstep + 1));
    } catch (e) {
      superstep = restart(e);
      resident = false;
      continue;
    }
    await completeSuperstep(stats, Date.now() - t0);
  }
}
