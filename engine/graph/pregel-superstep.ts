// One Pregel superstep on a resident vertex partition (the partition's state and its build are in
// pregel-partition.ts): deliver the inbox, run compute() on every vertex that is active or has
// messages, combine the outgoing messages per destination vertex as they are sent, and keep them
// in column buckets per destination partition for the exchange.
//
// What compute() sends through (its context, the outgoing message slots' payloads) is one Outbox
// per partition, made once and reused superstep after superstep. Its functions stay the same
// objects, so V8 keeps compute()'s optimized code from one superstep to the next; a new context
// of new closures every superstep made it throw that code away at each of the first supersteps
// (measured: supersteps 1-5 of the PageRank benchmark 3-8x slower than the steady ones).

import { registerShippable } from "../common/closure";
import { ExecutionError } from "../common/errors";
import { hashKey } from "../common/keys";
import type { VertexId } from "./graph-data";
import { column } from "./columns";
import {
  Edge, local, localEdgesIn, MESSAGE_SAMPLES_PER_PARTITION, single, SLOT, slotFor, stateLost, writePartition,
  type Local, type MessageBucket, type MessageSample, type PregelEdge, type SlottedEdge, type SuperstepSpec, type SuperstepStats, type VertexPartition,
} from "./pregel-partition";

/**
 * The vertex compute() sees: its edges come from the partition's CSR columns, as objects only
 * once compute() reads or replaces `edges` (from then on the objects are the vertex's edges).
 * `numEdges`, `edgeTarget(k)` and `edgeValue(k)` read them without building objects.
 */
class VertexView {
  constructor(private readonly P: VertexPartition, private readonly i: number, readonly id: VertexId, public value: unknown) {}

  get edges(): Array<PregelEdge<unknown>> {
    const P = this.P, i = this.i;
    let es = P.edges[i];
    if (es === undefined) {
      const { start, dst, vals } = P.csr, a = start[i]!, n = start[i + 1]! - a;
      es = new Array(n);
      for (let k = 0; k < n; k++) es[k] = new Edge(dst[a + k] as VertexId, vals[a + k]);
      P.edges[i] = es;
    }
    return es;
  }

  set edges(es: Array<PregelEdge<unknown>>) {
    this.P.edges[this.i] = es;
  }

  get numEdges(): number {
    const es = this.P.edges[this.i], start = this.P.csr.start;
    return es !== undefined ? es.length : start[this.i + 1]! - start[this.i]!;
  }

  edgeTarget(k: number): VertexId {
    const es = this.P.edges[this.i];
    return es !== undefined ? es[k]!.target : this.P.csr.dst[this.csrIndex(k)] as VertexId;
  }

  edgeValue(k: number): unknown {
    const es = this.P.edges[this.i];
    return es !== undefined ? es[k]!.value : this.P.csr.vals[this.csrIndex(k)];
  }

  /** The values of every out-edge, in edge order: a copy (a typed array when they are numbers), never the edges themselves. */
  edgeValues(): ArrayLike<unknown> {
    const es = this.P.edges[this.i];
    if (es !== undefined) return es.map((e) => e.value);
    const { start, vals } = this.P.csr;
    return vals.slice(start[this.i]!, start[this.i + 1]!);
  }

  private csrIndex(k: number): number {
    const start = this.P.csr.start, a = start[this.i]!;
    if (!(k >= 0 && a + k < start[this.i + 1]!)) throw new RangeError(`vertex ${JSON.stringify(this.id)} has no edge ${k} (it has ${start[this.i + 1]! - a})`);
    return a + k;
  }
}

type Compute = (vertex: VertexView, messages: unknown[], ctx: unknown) => void;
type Combiner = ((a: unknown, b: unknown) => unknown) | null;
type Reducers = Record<string, (a: unknown, b: unknown) => unknown>;

function messageBytes(m: unknown): number {
  return typeof m === "number" ? 8 : typeof m === "string" ? m.length : JSON.stringify(m)?.length ?? 0;
}

function preview(m: unknown, combined: boolean): string {
  const s = combined || !Array.isArray(m) ? JSON.stringify(m) ?? String(m) : `${JSON.stringify(m)} (${m.length} ${m.length === 1 ? "message" : "messages"})`;
  return s.length > 80 ? s.slice(0, 79) + "…" : s;
}

/** The context compute() gets (its functions made once per partition). */
interface Context {
  superstep: number;
  numVertices: number;
  sendMessageTo(to: VertexId, m: unknown): void;
  sendToAllNeighbors(m: unknown): void;
  voteToHalt(): void;
  aggregate(name: string, value: unknown): void;
  getAggregatedValue(name: string): unknown;
}

/** A partition's outgoing messages and compute()'s context, reset at the start of every superstep. */
class Outbox {
  /** The superstep being computed: a slot stamped with it holds a payload of this superstep. */
  epoch = -1;
  combiner: Combiner = null;
  combine = false;
  /** While every message and every combination is a number, payloads stay in L.num (no boxed number per combine); the first other value moves them to L.pay. */
  numeric = false;
  /** Slots with a payload this superstep, in first-send order. */
  touched: number[] = [];
  sent = 0;
  localMsgs = 0;
  bytes = 0;
  /** The vertex being computed, and whether it voted to halt. */
  cur = 0;
  halt = false;
  partial: Record<string, unknown> = {};
  reducers: Reducers = {};
  aggregates: Record<string, unknown> = {};
  readonly ctx: Context;

  constructor(private readonly P: VertexPartition, private readonly L: Local) {
    const o = this, parts = P.parts;
    this.ctx = {
      superstep: 0,
      numVertices: 0,
      sendMessageTo: (to: VertexId, m: unknown) => o.sendSlot(slotFor(L, to, parts), m),
      sendToAllNeighbors: (m: unknown) => o.sendAll(m),
      voteToHalt: () => { o.halt = true; },
      aggregate: (name: string, value: unknown) => o.aggregate(name, value),
      getAggregatedValue: (name: string) => o.aggregates[name],
    };
  }

  begin(spec: SuperstepSpec, combiner: Combiner, reducers: Reducers): void {
    this.epoch = spec.step;
    this.combiner = combiner;
    this.combine = this.numeric = combiner !== null;
    this.touched = [];
    this.sent = this.localMsgs = this.bytes = 0;
    this.partial = {};
    this.reducers = reducers;
    this.aggregates = spec.aggregates;
    this.ctx.superstep = spec.step;
    this.ctx.numVertices = spec.numVertices;
  }

  private toGeneric(): void {
    this.numeric = false;
    const pay = this.L.pay, num = this.L.num;
    for (const t of this.touched) pay[t] = num[t];
  }

  sendSlot(s: number, m: unknown): void {
    const L = this.L;
    this.sent++;
    if (L.slotPart[s] === this.P.pid) this.localMsgs++;
    if (this.numeric) {
      if (typeof m === "number") {
        this.bytes += 8;
        const num = L.num;
        if (L.stamp[s] !== this.epoch) { L.stamp[s] = this.epoch; num[s] = m; this.touched.push(s); return; }
        const r = this.combiner!(num[s], m);
        if (typeof r === "number") { num[s] = r; return; }
        this.toGeneric();
        L.pay[s] = r;
        return;
      }
      this.toGeneric();
    }
    this.bytes += messageBytes(m);
    if (L.stamp[s] !== this.epoch) { L.stamp[s] = this.epoch; L.pay[s] = this.combine ? m : [m]; this.touched.push(s); return; }
    if (this.combine) L.pay[s] = this.combiner!(L.pay[s], m); else (L.pay[s] as unknown[]).push(m);
  }

  /** The slot of an out-edge's target: each edge object remembers it, so no lookup per message. */
  private edgeSlot(e: SlottedEdge): number {
    let s = e[SLOT];
    if (s === undefined || s < 0 || this.L.slotId[s] !== e.target) {
      s = slotFor(this.L, e.target, this.P.parts);
      e[SLOT] = s;
    }
    return s;
  }

  /** A number into a slot while payloads are numbers; false when the combination was not one (payloads then move to L.pay). */
  private combineNumber(s: number, m: number): boolean {
    const L = this.L;
    if (L.slotPart[s] === this.P.pid) this.localMsgs++;
    const num = L.num;
    if (L.stamp[s] !== this.epoch) { L.stamp[s] = this.epoch; num[s] = m; this.touched.push(s); return true; }
    const r = this.combiner!(num[s], m);
    if (typeof r === "number") { num[s] = r; return true; }
    this.toGeneric();
    L.pay[s] = r;
    return false;
  }

  sendAll(m: unknown): void {
    const P = this.P, L = this.L, cur = this.cur;
    const es = P.edges[cur] as SlottedEdge[] | undefined;
    const start = P.csr.start;
    const from = es === undefined ? start[cur]! : 0, to = es === undefined ? start[cur + 1]! : es.length;
    let k = from;
    // The common case (a number, combined while numbers) in one pass with no call per edge but
    // the combiner's; anything else goes message by message through sendSlot.
    if (this.numeric && typeof m === "number") {
      if (es === undefined) {
        // The hottest loop of a superstep: typed arrays only (every CSR edge's slot is assigned
        // with the partition's local state).
        const num = L.num, csrSlot = L.edgeSlot, stamp = L.stamp, touched = this.touched;
        const combiner = this.combiner!, epoch = this.epoch;
        for (; k < to; k++) {
          const s = csrSlot[k]!;
          if (stamp[s] !== epoch) { stamp[s] = epoch; num[s] = m; touched.push(s); continue; }
          const r = combiner(num[s], m);
          if (typeof r === "number") { num[s] = r; continue; }
          this.toGeneric();
          L.pay[s] = r;
          k++;
          break;
        }
        // The vertex's local edges are counted once (L.localEdges), not edge by edge.
        this.localMsgs += k === to ? L.localEdges[cur]! : localEdgesIn(csrSlot, L.slotPart, from, k, P.pid);
        this.sent += k - from; this.bytes += 8 * (k - from);
      } else {
        this.sent += to - from; this.bytes += 8 * (to - from);
        while (k < to) if (!this.combineNumber(this.edgeSlot(es[k++]!), m)) break;
        this.sent -= to - k; this.bytes -= 8 * (to - k);
      }
    }
    if (es === undefined) for (; k < to; k++) this.sendSlot(L.edgeSlot[k]!, m);
    else for (; k < to; k++) this.sendSlot(this.edgeSlot(es[k]!), m);
  }

  aggregate(name: string, value: unknown): void {
    const f = this.reducers[name];
    if (!f) throw new ExecutionError("PREGEL_UNKNOWN_AGGREGATOR", `No aggregator named '${name}': pass it in the aggregators option.`, { parameters: { name } });
    this.partial[name] = name in this.partial ? f(this.partial[name], value) : value;
  }
}

const outboxes = new WeakMap<Local, Outbox>();

/**
 * Run superstep `spec.step` on the partition: deliver the inbox, compute() every vertex that is
 * active or has messages, keep the combined outgoing messages for the shuffle, and return the
 * statistics. A task attempt that finds the superstep already done (a retry) returns the same
 * statistics without computing again.
 */
export const pregelSuperstep = registerShippable("graph.pregelSuperstep", function pregelSuperstep(
  spec: SuperstepSpec, compute: Compute, combiner: Combiner, reducers: Reducers,
  state: Iterable<VertexPartition>, inbox: Iterable<[number, MessageBucket]>,
): SuperstepStats[] {
  const P = single(state);
  const done = doneStats.get(P);
  if (P.step === spec.step + 1 && done) return [done];
  if (P.failed) throw new ExecutionError("PREGEL_COMPUTE_FAILED", P.failed);
  if (P.step !== spec.step) throw stateLost(P, spec.step, "this superstep");
  const L = local(P), n = P.ids.length, parts = P.parts, pid = P.pid, combine = combiner !== null;
  // The inbox: one payload per vertex and source partition, merged here.
  const has = new Uint8Array(n), inMsg: unknown[] = new Array(n);
  for (const [, b] of inbox) mergeBucket(L, b, combiner, has, inMsg);
  let o = outboxes.get(L);
  if (o === undefined) { o = new Outbox(P, L); outboxes.set(L, o); }
  o.begin(spec, combiner, reducers);
  let active: number, halted: number;
  try {
    [active, halted] = computeAll(P, o, compute, combine, has, inMsg);
  } catch (e) {
    P.failed = e instanceof Error ? e.message : String(e);
    throw e;
  }
  // Column buckets per destination partition.
  const ids: unknown[][] = [], msgs: unknown[][] = [];
  for (let q = 0; q < parts; q++) { ids.push([]); msgs.push([]); }
  const sample: MessageSample[] = [];
  const numeric = o.numeric, pay = L.pay;
  for (const s of o.touched) {
    const q = L.slotPart[s]!, to = L.slotId[s] as VertexId, m = numeric ? L.num[s] : pay[s];
    ids[q]!.push(to); msgs[q]!.push(m); pay[s] = undefined;
    if (sample.length < MESSAGE_SAMPLES_PER_PARTITION) {
      const h = hashKey(to);
      sample.push({ fromPartition: pid, to, toPartition: q, message: preview(m, combine), how: `hash = ${h}, ${h} mod ${parts} = ${h % parts}` });
    }
  }
  P.sent = [];
  for (let q = 0; q < parts; q++) if (ids[q]!.length > 0) P.sent.push([q, { from: pid, ids: column(ids[q]!), msgs: combine ? column(msgs[q]!) : msgs[q]! }]);
  P.step = spec.step + 1;
  const sent = o.sent;
  const stats: SuperstepStats = { pid, counts: [active, halted, sent, o.localMsgs, combine ? o.touched.length : sent, o.bytes], partial: o.partial, sentTo: combine ? ids.map((a) => a.length) : msgs.map((a) => a.reduce((c: number, x) => c + (x as unknown[]).length, 0)), sample };
  doneStats.set(P, stats);
  if (spec.checkpoint) writePartition(spec.checkpoint, P);
  return [stats];
});

const doneStats = new WeakMap<VertexPartition, SuperstepStats>();

// The superstep's loops over vertices, each a function of its own (docs/architecture.md: a loop run
// once a task is compiled while it runs, and code after it in the same function, with no type
// feedback yet, deoptimized there).

/** One inbox bucket's messages merged into each vertex's payload (has/inMsg). */
function mergeBucket(L: Local, b: MessageBucket, combiner: Combiner, has: Uint8Array, inMsg: unknown[]): void {
  const combine = combiner !== null;
  for (let i = 0; i < b.ids.length; i++) {
    const li = L.at.get(b.ids[i] as VertexId);
    if (li < 0) continue; // a message to no vertex is dropped (GraphX does the same)
    const p = b.msgs[i];
    if (!has[li]) { has[li] = 1; inMsg[li] = combine ? p : (p as unknown[]).slice(); }
    else if (combine) inMsg[li] = combiner(inMsg[li], p);
    else for (const m of p as unknown[]) (inMsg[li] as unknown[]).push(m);
  }
}

/** compute() on every vertex that is active or has messages: [active, halted] after the superstep. */
function computeAll(P: VertexPartition, o: Outbox, compute: Compute, combine: boolean, has: Uint8Array, inMsg: unknown[]): [number, number] {
  const n = P.ids.length, ctx = o.ctx;
  let active = 0, halted = 0;
  for (let i = 0; i < n; i++) {
    if (P.halted[i] && !has[i]) { halted++; continue; }
    active++;
    const vertex = new VertexView(P, i, P.ids[i]!, P.values[i]);
    o.cur = i; o.halt = false;
    compute(vertex, has[i] ? (combine ? [inMsg[i]] : (inMsg[i] as unknown[])) : [], ctx);
    P.values[i] = vertex.value;
    const halt = o.halt;
    P.halted[i] = halt ? 1 : 0;
    if (halt) halted++;
  }
  return [active, halted];
}
