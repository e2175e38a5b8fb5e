// A Pregel engine on the workers, built the way GraphX runs Pregel on Spark: the vertex state
// (value, out-edges, halted flag) lives in a hash-partitioned, cached RDD held in worker memory
// across supersteps (edge cut); each superstep joins it with the inbox (co-partitioned, so no
// shuffle of the state), runs compute() per active vertex, and ships messages through a shuffle
// that buffers them per destination partition and combines them map-side when a combiner is
// given. The stage boundary is the barrier. The state is checkpointed every K supersteps, so a
// lost worker is recomputed from the last checkpoint plus at most K supersteps of lineage.

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import { StorageLevel } from "../storage";

// The engine's own RDDs keep live objects (Scala's MEMORY_ONLY, which GraphX uses): no encoding
// of the vertex state and messages at every superstep.
const LIVE = StorageLevel.MEMORY_AND_DISK_DESER;
import type { VertexId } from "./graph-data";

export interface PregelVertex<V, E> {
  readonly id: VertexId;
  value: V;
  /** Out-edges: target id and edge value; compute() may change them. */
  edges: Array<{ target: VertexId; value: E }>;
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
}

export interface SuperstepMetrics {
  superstep: number;
  activeVertices: number;
  haltedAfter: number;
  messagesSent: number;
  messagesLocal: number;
  messagesRemote: number;
  /** Messages leaving each partition after the map-side combine. */
  messagesAfterCombine: number;
  bytes: number;
  timeMs: number;
  checkpointed: boolean;
}

export interface PregelResult<V> {
  values: Map<VertexId, V>;
  supersteps: number;
  metrics: SuperstepMetrics[];
  aggregates: Record<string, unknown>;
  history?: Array<Array<[VertexId, V]>>;
}

interface VState<V, E> { v: V; e: Array<{ target: VertexId; value: E }>; h: boolean }
type Rec = [0, VertexId, VState<any, any>] | [1, VertexId, any] | [2, number[], Record<string, unknown>];

/** Run compute() on every vertex until all have voted to halt and no message is in flight. */
export async function runPregel<V, E, M>(
  vertices: RDD<[VertexId, V]>,
  edges: RDD<[VertexId, VertexId, E]>,
  compute: ComputeFn<V, E, M>,
  opts: PregelOptions<M> = {},
): Promise<PregelResult<V>> {
  const parts = opts.numPartitions ?? Math.max(vertices.getNumPartitions(), 1);
  const maxSupersteps = opts.maxSupersteps ?? 10_000;
  const combiner = opts.combiner ?? null;
  const reducers = opts.aggregators ?? {};
  const ctxSc = vertices.context as unknown as { checkpointDir?: string };
  // Join vertices with their out-edges; an edge to a missing vertex is an error, as are duplicate ids.
  const grouped = vertices.map(([id, v]: [VertexId, V]) => [id, [0, v]] as [VertexId, [number, unknown]])
    .union(edges.map(([s, d, e]: [VertexId, VertexId, E]) => [s, [1, { target: d, value: e }]] as [VertexId, [number, unknown]]))
    .union(edges.map(([, d]: [VertexId, VertexId, E]) => [d, [2, null]] as [VertexId, [number, unknown]]))
    .groupByKey(parts)
    .mapValues((items: Array<[number, unknown]>) => {
      const vals = items.filter((x) => x[0] === 0);
      return { n: vals.length, v: vals[0]?.[1], e: items.filter((x) => x[0] === 1).map((x) => x[1]) };
    })
    .persist(LIVE);
  const problems = await grouped.filter(([, g]: [VertexId, { n: number }]) => g.n !== 1).map(([id, g]: [VertexId, { n: number }]) => [id, g.n] as [VertexId, number]).take(3);
  if (problems.length > 0) {
    const [id, n] = problems[0]!;
    grouped.unpersist();
    if (n === 0) throw new AnalysisError("GRAPH_MISSING_VERTEX", `An edge refers to vertex ${JSON.stringify(id)}, which is not in the vertices.`, { parameters: { id } });
    throw new AnalysisError("GRAPH_DUPLICATE_VERTEX", `Vertex id ${JSON.stringify(id)} appears ${n} times.`, { parameters: { id } });
  }
  let state: RDD<[VertexId, VState<V, E>]> = grouped.mapValues((g: { n: number; v: unknown; e: unknown[] }) => ({ v: g.v as V, e: g.e as Array<{ target: VertexId; value: E }>, h: false })).persist(LIVE);
  const numVertices = await state.count();
  grouped.unpersist();
  let inbox: RDD<[VertexId, M[]]> | null = null;
  let aggregates: Record<string, unknown> = {};
  const metrics: SuperstepMetrics[] = [];
  const history: Array<Array<[VertexId, V]>> = [];
  let superstep = 0;
  for (; superstep < maxSupersteps; superstep++) {
    const t0 = Date.now();
    const step = superstep, aggs = aggregates;
    const joined: RDD<[VertexId, [VState<V, E>, M[] | null]]> = inbox === null
      ? state.mapValues((s: VState<V, E>) => [s, null] as [VState<V, E>, M[] | null])
      : state.leftOuterJoin(inbox);
    const out: RDD<Rec> = joined.mapPartitions(function* (rows: IterableIterator<[VertexId, [VState<V, E>, M[] | null]]>) {
      const local = new Set<VertexId>();
      const buf: Array<[VertexId, [VState<V, E>, M[] | null]]> = [];
      for (const r of rows) { local.add(r[0]); buf.push(r); }
      let active = 0, halted = 0, sent = 0, localMsgs = 0, bytes = 0;
      const partial: Record<string, unknown> = {};
      // Messages buffered per destination as they are sent: combined at once with a combiner,
      // else gathered in a list; one record per destination leaves the partition.
      const slot = new Map<VertexId, number>();
      const payloads: unknown[] = [], counts: number[] = [];
      const send = (to: VertexId, m: M): void => {
        sent++;
        bytes += typeof m === "number" ? 8 : typeof m === "string" ? m.length : JSON.stringify(m)?.length ?? 0;
        const i = slot.get(to);
        if (i === undefined) { slot.set(to, payloads.length); payloads.push(combiner ? m : [m]); counts.push(1); return; }
        if (combiner) payloads[i] = combiner(payloads[i] as M, m); else (payloads[i] as M[]).push(m);
        counts[i]!++;
      };
      for (const [id, [s, msgs]] of buf) {
        const messages = msgs ?? [];
        if (s.h && messages.length === 0) { halted++; yield [0, id, s] as Rec; continue; }
        active++;
        const vertex = { id, value: s.v, edges: s.e };
        let halt = false;
        compute(vertex, messages, {
          superstep: step,
          numVertices,
          sendMessageTo: send,
          sendToAllNeighbors: (m: M) => { for (const e of vertex.edges) send(e.target, m); },
          voteToHalt: () => { halt = true; },
          aggregate: (name: string, value: unknown) => {
            const f = reducers[name];
            if (!f) throw new Error(`PREGEL_UNKNOWN_AGGREGATOR: no aggregator named ${name}`);
            partial[name] = name in partial ? f(partial[name], value) : value;
          },
          getAggregatedValue: <T>(name: string) => aggs[name] as T | undefined,
        });
        if (halt) halted++;
        yield [0, id, { v: vertex.value, e: vertex.edges, h: halt }] as Rec;
      }
      for (const [to, i] of slot) {
        if (local.has(to)) localMsgs += counts[i]!;
        yield [1, to, payloads[i]] as Rec;
      }
      yield [2, [active, halted, sent, localMsgs, combiner ? slot.size : sent, bytes], partial] as Rec;
    }, true).persist(LIVE);
    const nextState = out.mapPartitions(function* (rows: IterableIterator<Rec>) {
      for (const r of rows) if (r[0] === 0) yield [r[1], r[2]] as [VertexId, VState<V, E>];
    }, true).persist(LIVE);
    const ckpt = !!opts.checkpointInterval && (superstep + 1) % opts.checkpointInterval === 0 && !!ctxSc.checkpointDir;
    if (ckpt) nextState.checkpoint();
    const stats = (await out.mapPartitions(function* (rows: IterableIterator<Rec>) {
      for (const r of rows) if (r[0] === 2) yield [r[1], r[2]] as [number[], Record<string, unknown>];
    }).collect()) as Array<[number[], Record<string, unknown>]>;
    // `out` holds this superstep's result: the previous state can go (fewer copies in the cache).
    state.unpersist();
    // Materialise the next state now: `out` is dropped below, and a state computed later from a
    // dropped `out` would recompute every earlier superstep through the lineage.
    await nextState.count();
    const tot = [0, 0, 0, 0, 0, 0];
    const nextAggs: Record<string, unknown> = {};
    for (const [s, partial] of stats) {
      s.forEach((x, i) => { tot[i]! += x; });
      for (const [k, v] of Object.entries(partial)) nextAggs[k] = k in nextAggs ? reducers[k]!(nextAggs[k], v) : v;
    }
    // Each partition sent one payload per destination: a combined message, or a list of them.
    const newInbox: RDD<[VertexId, M[]]> = out
      .flatMap((r: Rec) => (r[0] === 1 ? [[r[1], r[2]] as [VertexId, M | M[]]] : []))
      .combineByKey(
        (p: M | M[]) => (combiner ? [p as M] : (p as M[]).slice()),
        (c: M[], p: M | M[]) => { if (combiner) c[0] = combiner(c[0]!, p as M); else for (const m of p as M[]) c.push(m); return c; },
        (a: M[], b: M[]) => (combiner ? [combiner(a[0]!, b[0]!)] : a.concat(b)),
        parts,
      ).persist(LIVE);
    if (inbox) inbox.unpersist();
    state = nextState;
    inbox = tot[2]! > 0 ? newInbox : null;
    if (inbox) await inbox.count(); // materialise the messages so `out` can be dropped
    out.unpersist();
    aggregates = nextAggs;
    metrics.push({
      superstep, activeVertices: tot[0]!, haltedAfter: tot[1]!, messagesSent: tot[2]!, messagesLocal: tot[3]!,
      messagesRemote: tot[2]! - tot[3]!, messagesAfterCombine: tot[4]!, bytes: tot[5]!, timeMs: Date.now() - t0, checkpointed: ckpt,
    });
    if (opts.recordValues) history.push((await state.mapValues((s: VState<V, E>) => s.v).collect()) as Array<[VertexId, V]>);
    if (tot[2] === 0 && tot[1] === numVertices) { superstep++; break; }
  }
  const values = new Map((await state.mapValues((s: VState<V, E>) => s.v).collect()) as Array<[VertexId, V]>);
  state.unpersist();
  inbox?.unpersist();
  return { values, supersteps: superstep, metrics, aggregates, ...(opts.recordValues ? { history } : {}) };
}
