// The worker side of the Pregel engine: one vertex partition per task slot, resident in the
// executor's memory across supersteps (the single value of a cached RDD partition, mutated in
// place by each superstep), as Pregel's workers hold their vertices: its build from routed vertex
// and edge columns, its local state (message slots), checkpoints. A superstep
// (pregel-superstep.ts) reads the messages sent to the partition, runs compute() on every vertex
// that is active or has messages, and keeps the combined outgoing messages, in column buckets per
// destination partition, until the exchange (a shuffle, or task to task) delivers them. A partition
// knows which superstep it is at: a partition rebuilt from lineage (its worker was lost, or the
// cache dropped it) is behind the run, and says so (PREGEL_STATE_LOST) instead of computing wrong
// values; the driver then restarts every partition from the last checkpoint.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { registerShippable } from "../common/closure";
import { decode, encode } from "../common/codec";
import { ExecutionError } from "../common/errors";
import type { VertexId } from "./graph-data";
import { ColumnBuilder, isNumeric, type Column } from "./columns";
import { IdIndex } from "./id-index";
import { checkedWeight, EdgeRouter, partitionOf, type RoutedBucket } from "./edge-router";
import { takeTupleColumns } from "../storage/block-manager";

export interface PregelEdge<E> { target: VertexId; value: E }

/** On an edge object: the message slot of its target in its partition (a cache, checked on use). */
export const SLOT: unique symbol = Symbol("pregel.slot");
export type SlottedEdge = PregelEdge<unknown> & { [SLOT]?: number };

/** The out-edges the engine builds (plain fields, one shape, allocated fast). */
export class Edge implements PregelEdge<unknown> {
  [SLOT] = -1;
  constructor(public target: VertexId, public value: unknown) {}
}


/** What one input partition sends to one vertex partition while the graph is built. */
export type BuildBucket = { k: "v"; ids: Column; vals: Column } | RoutedBucket;

/** Messages for one destination partition: one payload per vertex (combined, or a list). */
export interface MessageBucket { from: number; ids: Column; msgs: Column }

export interface VertexPartition {
  pid: number;
  parts: number;
  ids: VertexId[];
  values: unknown[];
  /** Out-edges as CSR columns: vertex i's are entries start[i] to start[i+1]-1 of dst and vals. */
  csr: { start: Int32Array; dst: Column; vals: Column };
  /** Vertex i's edge objects once its compute() read or replaced `edges` (they replace its CSR entries). */
  edges: Array<Array<PregelEdge<unknown>> | undefined>;
  halted: Uint8Array;
  /** The superstep this partition computes next. */
  step: number;
  /** The messages superstep `step - 1` sent, per destination partition (replayed by the shuffle). */
  sent: Array<[number, MessageBucket]>;
  /** A build problem: [kind, vertex id, occurrences]. */
  problem?: ["missing" | "duplicate", VertexId, number];
  /** Set when compute() threw: a retried task fails the same way instead of computing on half-updated values. */
  failed?: string;
}

/** The statistics record a superstep task returns. */
export interface SuperstepStats {
  pid: number;
  /** active, halted after, sent, sent to this partition, after combining, bytes */
  counts: number[];
  partial: Record<string, unknown>;
  /** Messages sent to each partition (after the combine, when there is a combiner). */
  sentTo: number[];
  /** A few of the messages sent, with the partitioner's arithmetic for where each went. */
  sample: MessageSample[];
}

/** One message on its way: from a partition to a vertex of another (or the same) partition. */
/** What one superstep did, as the driver reports it (result.metrics). */
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
  /** Messages each partition receives in the next superstep (after the combine, with a combiner). */
  messagesPerPartition: number[];
  /** A few messages of this superstep with where they went and why (MESSAGE_SAMPLES_PER_PARTITION per partition). */
  sample: MessageSample[];
}

export interface MessageSample {
  fromPartition: number;
  to: VertexId;
  toPartition: number;
  /** The (combined) message, as short text. */
  message: string;
  /** Why that partition: "hash = 2739281, 2739281 mod 4 = 1", as HashPartitioner.explain says it. */
  how: string;
}

/** Messages each partition keeps as a sample per superstep (taken as the buckets are built: no cost per message). */
export const MESSAGE_SAMPLES_PER_PARTITION = 3;

export interface SuperstepSpec {
  step: number;
  numVertices: number;
  aggregates: Record<string, unknown>;
  combine: boolean;
  /** Where to write this partition after the superstep (a checkpoint), if anywhere. */
  checkpoint?: string;
}


// ---- building the partitions ----------------------------------------------------------------

/** Route vertices to their partitions (hash of the id: an edge cut), as columns. */
export const pregelRouteVertices = registerShippable("graph.pregelRouteVertices", function pregelRouteVertices(parts: number, it: Iterable<[VertexId, unknown]>): Array<[number, BuildBucket]> {
  const ids: ColumnBuilder[] = [], vals: ColumnBuilder[] = [];
  for (let q = 0; q < parts; q++) { ids.push(new ColumnBuilder()); vals.push(new ColumnBuilder()); }
  for (const [id, v] of it) { const q = partitionOf(id, parts); ids[q]!.push(id); vals[q]!.push(v); }
  const out: Array<[number, BuildBucket]> = [];
  for (let q = 0; q < parts; q++) if (ids[q]!.length > 0) out.push([q, { k: "v", ids: ids[q]!.finish(), vals: vals[q]!.finish() }]);
  return out;
});


/**
 * How the build reads edge records. As given: [src, dst, value]. `weights`: [src, dst, weight?],
 * the weight 1 when absent, else checked to be a finite non-negative number. `undirected`: each
 * edge also in the other direction.
 */
export interface EdgeInput { weights?: boolean; undirected?: boolean }

function edgeWeight(e: readonly unknown[]): number {
  return checkedWeight(e[0], e[1], e.length > 2 ? e[2] : 1);
}

/** Route edges to their source's partition, and each target id (once) to its own partition. */
export const pregelRouteEdges = registerShippable("graph.pregelRouteEdges", function pregelRouteEdges(parts: number, input: EdgeInput, it: Iterable<readonly unknown[]>): Array<[number, BuildBucket]> {
  const router = new EdgeRouter(parts);
  const weights = input.weights === true, undirected = input.undirected === true;
  // A cached partition of numeric tuples is read as its columns: no array per edge.
  const chunks = takeTupleColumns(it);
  if (chunks !== null) {
    for (const cols of chunks) {
      const src = cols[0]!, dst = cols[1], val = cols.length > 2 ? cols[2]! : null, n = src.length;
      // Integer ids (the usual graph): one loop in the router, no call per edge.
      if (src instanceof Int32Array && dst instanceof Int32Array && router.addColumns(src, dst, val, weights ? 1 : undefined, weights, undirected)) continue;
      for (let i = 0; i < n; i++) {
        const s = src[i]!, d = dst === undefined ? undefined as unknown as VertexId : dst[i]!;
        const v = weights ? (val === null ? 1 : checkedWeight(s, d, val[i]!)) : (val === null ? undefined : val[i]);
        router.add(s, d, v);
        if (undirected) router.add(d, s, v);
      }
    }
    return router.finish();
  }
  for (const e of it) {
    const s = e[0] as VertexId, d = e[1] as VertexId, v = weights ? edgeWeight(e) : e[2];
    router.add(s, d, v);
    if (undirected) router.add(d, s, v);
  }
  return router.finish();
});

/**
 * Build one vertex partition from its buckets. With `explicit` vertices every edge end must be
 * one of them and ids must be unique (else `problem` is set); without, every edge end becomes a
 * vertex with `defaultValue` (GraphX's Graph.fromEdges).
 */
export const pregelBuildPartition = registerShippable("graph.pregelBuildPartition", function pregelBuildPartition(parts: number, explicit: boolean, defaultValue: unknown, pid: number, it: Iterable<[number, BuildBucket]>): VertexPartition[] {
  const P: VertexPartition = { pid, parts, ids: [], values: [], csr: { start: new Int32Array(1), dst: [], vals: [] }, edges: [], halted: new Uint8Array(0), step: 0, sent: [] };
  const buckets = [...it].map((r) => r[1]);
  const at = new IdIndex(buckets.reduce((a, b) => a + (b.k === "e" ? 0 : b.ids.length), 0));
  const add = (id: VertexId, v: unknown): number => {
    const i = P.ids.length;
    at.add(id, i); P.ids.push(id); P.values.push(v);
    return i;
  };
  const counts = new Map<VertexId, number>();
  for (const b of buckets) {
    if (b.k !== "v") continue;
    for (let i = 0; i < b.ids.length; i++) {
      const id = b.ids[i] as VertexId;
      if (at.get(id) >= 0) counts.set(id, (counts.get(id) ?? 1) + 1);
      else add(id, b.vals[i]);
    }
  }
  for (const [id, n] of counts) { P.problem = ["duplicate", id, n]; break; }
  const need = (id: VertexId): number => {
    const i = at.get(id);
    if (i >= 0) return i;
    if (explicit) { P.problem ??= ["missing", id, 0]; }
    return add(id, defaultValue);
  };
  for (const b of buckets) if (b.k === "x") for (let i = 0; i < b.ids.length; i++) need(b.ids[i] as VertexId);
  // Out-edges grouped by source with a counting sort into CSR columns: no object per edge (a
  // vertex's edge objects are built only when its compute() reads `edges`).
  const ebs = buckets.filter((b): b is Extract<BuildBucket, { k: "e" }> => b.k === "e");
  const m = ebs.reduce((a, b) => a + b.src.length, 0);
  const owner = new Int32Array(m);
  let e = 0;
  for (const b of ebs) e = sourceOwners(b.src, at, need, owner, e);
  const n = P.ids.length, start = csrStart(owner, n);
  const fill = start.slice(0, n);
  // Each column as narrow as its buckets allow: 32-bit integers, numbers, or anything.
  const like = (cols: Column[]): Column =>
    cols.every((c) => c instanceof Int32Array) ? new Int32Array(m) : cols.every(isNumeric) ? new Float64Array(m) : new Array(m);
  const dst = like(ebs.map((b) => b.dst)), vals = like(ebs.map((b) => b.vals));
  e = 0;
  for (const b of ebs) e = scatterBucket(b.dst, b.vals, owner, e, fill, dst, vals);
  P.csr = { start, dst, vals };
  P.edges = new Array(n);
  P.halted = new Uint8Array(n);
  locals.set(P, newLocal(at, P));
  return [P];
});

// pregelBuildPartition's loops over every edge, each a function of its own (docs/architecture.md: a
// loop run once a task is compiled while it runs, and code after it in the same function, with no
// type feedback yet, deoptimized there).

/** Each edge's source as a local vertex index, into owner[e...]; returns the next e. */
function sourceOwners(src: Column, at: IdIndex, need: (id: VertexId) => number, owner: Int32Array, e: number): number {
  // The source's index read inline (a call only for a source seen the first time).
  for (let i = 0; i < src.length; i++) { const id = src[i] as VertexId, o = at.get(id); owner[e++] = o >= 0 ? o : need(id); }
  return e;
}

/** CSR row starts: where each of the n vertices' out-edges begin (a counting sort's prefix sums). */
function csrStart(owner: Int32Array, n: number): Int32Array {
  const start = new Int32Array(n + 1), m = owner.length;
  for (let k = 0; k < m; k++) start[owner[k]! + 1]!++;
  return prefixSums(start, n);
}

function prefixSums(start: Int32Array, n: number): Int32Array {
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  return start;
}

/** One bucket's edges to their CSR positions (fill: each vertex's next free one); returns the next e. */
function scatterBucket(bd: Column, bv: Column, owner: Int32Array, e: number, fill: Int32Array, dst: Column, vals: Column): number {
  for (let i = 0; i < bd.length; i++) { const at = fill[owner[e++]!]!++; dst[at] = bd[i]; vals[at] = bv[i]; }
  return e;
}

// ---- what a partition keeps between supersteps, never shipped -------------------------------

export interface Local {
  /** vertex id -> local index */
  at: IdIndex;
  /** Outgoing message slots, one per destination vertex ever sent to. */
  slotOf: IdIndex;
  slotId: VertexId[];
  slotPart: Int32Array;
  /** The superstep a slot's payload is of (-1: none yet). */
  stamp: Int32Array;
  /** This superstep's payload per slot (combined message, or list), or its number in `num`. */
  pay: unknown[];
  num: Float64Array;
  /** The slot of each CSR edge's target. */
  edgeSlot: Int32Array;
  /** Per vertex, how many of its CSR edges go to a vertex of this partition. */
  localEdges: Int32Array;
}

/** A partition's local state, with every CSR edge's message slot assigned in one pass (not edge by edge in the first superstep). */
function newLocal(at: IdIndex, P: VertexPartition): Local {
  const dst = P.csr.dst, m = dst.length;
  const L: Local = {
    at, slotOf: new IdIndex(), slotId: [], slotPart: new Int32Array(0), stamp: new Int32Array(0), pay: [], num: new Float64Array(0),
    edgeSlot: new Int32Array(m), localEdges: new Int32Array(P.ids.length),
  };
  for (let k = 0; k < m; k++) L.edgeSlot[k] = slotFor(L, dst[k] as VertexId, P.parts);
  countLocalEdges(P.csr.start, L.edgeSlot, L.slotPart, P.pid, L.localEdges);
  return L;
}

/** Each vertex's CSR edges whose target is in partition `pid` (a loop of its own: docs/architecture.md). */
function countLocalEdges(start: Int32Array, edgeSlot: Int32Array, slotPart: Int32Array, pid: number, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = localEdgesIn(edgeSlot, slotPart, start[i]!, start[i + 1]!, pid);
}

/** CSR edges from..to-1 whose message slot is in partition `pid`. */
export function localEdgesIn(edgeSlot: Int32Array, slotPart: Int32Array, from: number, to: number, pid: number): number {
  let c = 0;
  for (let k = from; k < to; k++) if (slotPart[edgeSlot[k]!] === pid) c++;
  return c;
}

/** The message slot of destination vertex `to`, made on first use. */
export function slotFor(L: Local, to: VertexId, parts: number): number {
  const s = L.slotOf.get(to);
  return s >= 0 ? s : newSlot(L, to, parts);
}

function newSlot(L: Local, to: VertexId, parts: number): number {
  const s = L.slotId.length;
  if (s >= L.num.length) {
    const cap = Math.max(64, L.num.length * 2);
    const num = new Float64Array(cap), part = new Int32Array(cap), stamp = new Int32Array(cap).fill(-1);
    num.set(L.num); part.set(L.slotPart); stamp.set(L.stamp);
    L.num = num; L.slotPart = part; L.stamp = stamp;
  }
  L.slotOf.add(to, s); L.slotId.push(to); L.slotPart[s] = partitionOf(to, parts); L.pay.push(undefined);
  return s;
}
const locals = new WeakMap<VertexPartition, Local>();

export function local(P: VertexPartition): Local {
  let l = locals.get(P);
  if (!l) {
    const at = new IdIndex(P.ids.length);
    for (let i = 0; i < P.ids.length; i++) at.add(P.ids[i]!, i);
    l = newLocal(at, P);
    locals.set(P, l);
  }
  return l;
}

export function single(it: Iterable<VertexPartition>): VertexPartition {
  for (const P of it) return P;
  throw new ExecutionError("PREGEL_STATE_LOST", "A Pregel vertex partition is empty.");
}

export function stateLost(P: VertexPartition, step: number, what: string): ExecutionError {
  return new ExecutionError("PREGEL_STATE_LOST",
    `Pregel vertex partition ${P.pid} is at superstep ${P.step}, but ${what} needs superstep ${step}: its worker or its cached copy was lost (the driver restarts the run from the last checkpoint).`,
    { parameters: { partition: P.pid, at: P.step, needed: step } });
}

/** The messages superstep `step` sent, replayed for the shuffle into superstep `step + 1`. */
export const pregelReplay = registerShippable("graph.pregelReplay", function pregelReplay(step: number, it: Iterable<VertexPartition>): Array<[number, MessageBucket]> {
  const P = single(it);
  if (P.step !== step + 1) throw stateLost(P, step + 1, "the shuffle of its messages");
  return P.sent;
});

/** The vertex values, checked to be those after `step` supersteps. */
export const pregelValues = registerShippable("graph.pregelValues", function pregelValues(step: number, it: Iterable<VertexPartition>): Array<[VertexId, unknown]> {
  const P = single(it);
  if (P.step !== step) throw stateLost(P, step, "reading the values");
  return P.ids.map((id, i) => [id, P.values[i]] as [VertexId, unknown]);
});

/** Build problems and sizes, read once after the build. */
export const pregelDescribe = registerShippable("graph.pregelDescribe", function pregelDescribe(it: Iterable<VertexPartition>): Array<[number, VertexPartition["problem"] | null]> {
  const P = single(it);
  return [[P.ids.length, P.problem ?? null]];
});


// ---- checkpoints ----------------------------------------------------------------------------

function partFile(dir: string, pid: number): string {
  return join(dir, `part-${String(pid).padStart(5, "0")}`);
}

export function writePartition(dir: string, P: VertexPartition): void {
  mkdirSync(dir, { recursive: true });
  const file = partFile(dir, P.pid), tmp = `${file}.${process.pid}.tmp`;
  const { pid, parts, ids, values, csr, edges, halted, step, sent } = P;
  writeFileSync(tmp, encode({ pid, parts, ids, values, csr, edges, halted, step, sent }));
  renameSync(tmp, file);
}

/** A partition as a checkpoint left it (after its superstep, with the messages it sent). */
export const pregelRestorePartition = registerShippable("graph.pregelRestorePartition", function pregelRestorePartition(dir: string, pid: number): VertexPartition[] {
  const P = decode<VertexPartition>(readFileSync(partFile(dir, pid)));
  P.halted = new Uint8Array(P.halted);
  local(P);
  return [P];
});
