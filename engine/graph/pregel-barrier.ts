// Pregel's barrier mode, the worker side: one long-running task per vertex partition runs superstep
// after superstep on the partition resident in its executor (Spark's barrier execution mode, as
// Pregel's workers run). After each superstep a task sends the messages it produced straight to the
// other partitions' tasks (one frame per destination partition and superstep, combined per vertex;
// engine/rpc/peer-links.ts, never through the driver), and its statistics to the run's hub on the
// driver (pregel-hub.ts), the barrier: the next superstep starts when the hub has every partition's
// statistics (it answers with the reduced aggregators, or stop) and every other partition's messages
// have arrived. A task whose partition is not resident here (its worker was lost, or the scheduler
// placed it elsewhere) fails at once, as does every task when the hub aborts: the driver then
// restarts the run from the last checkpoint.

import WebSocket from "ws";
import { decode, encode } from "../common/codec";
import { deserializeFunction, type SerializedFunction } from "../common/closure";
import { ExecutionError } from "../common/errors";
import { OneToOneDependency, RDD, registerRddKind, type Partition, type RddContext, type TaskContext } from "../rdd";
import { PeerLinks } from "../rpc/peer-links";
import { zeroMask } from "../rpc/transport";
import { rddBlockId } from "../storage/block-ids";
import type { VertexId } from "./graph-data";
import type { MessageBucket, SuperstepStats, VertexPartition } from "./pregel-partition";
import { pregelSuperstep } from "./pregel-superstep";

/** What every task of a segment gets (plain data; the functions travel separately). */
export interface SegmentArgs {
  hubUrl: string;
  secret: string;
  attempt: number;
  parts: number;
  /** The superstep the segment starts at (every partition must be at it). */
  start: number;
  numVertices: number;
  /** The aggregators reduced after the superstep before `start`. */
  aggregates: Record<string, unknown>;
  /** Where superstep k's checkpoint goes when (k + 1) % interval === 0, if anywhere. */
  checkpoint: { dir: string; interval: number } | null;
}

/** The run's functions, shipped as one closure. */
export interface SegmentFns {
  compute: Parameters<typeof pregelSuperstep>[1];
  combiner: Parameters<typeof pregelSuperstep>[2];
  reducers: Record<string, (a: unknown, b: unknown) => unknown>;
}

/** Task -> hub. */
export type ToHub =
  | { t: "hello"; secret: string; attempt: number; pid: number; dataUrl: string }
  | { t: "step"; pid: number; step: number; stats: SuperstepStats }
  | { t: "failed"; pid: number; message: string };
/** Hub -> task. */
export type FromHub =
  | { t: "peers"; urls: Record<string, string> }
  | { t: "go"; step: number; aggregates: Record<string, unknown>; /** The run is over: return the values. */ stop: boolean }
  | { t: "abort"; reason: string };
/** Task -> task: the messages superstep `step` of partition `from` sent to the receiver. */
interface Messages { t: "msgs"; step: number; from: number; buckets: Array<[number, MessageBucket]> }

/** What a segment task returns: the supersteps it ran, and at the end of the run its vertex values (no job of its own to read them). */
export interface SegmentReport { pid: number; from: number; to: number; values?: Array<[VertexId, unknown]> }

/** Barrier failures are never retried task by task: the driver restarts the whole run. */
function barrierError(condition: string, message: string, parameters: Record<string, unknown> = {}): ExecutionError {
  return new ExecutionError(condition, message, { parameters: { ...parameters, deterministic: true } });
}

/** The partition resident in this executor, at superstep `step`, or PREGEL_STATE_LOST. */
function residentPartition(parent: RDD<unknown>, split: Partition, tc: TaskContext, step: number): VertexPartition {
  const lost = (why: string): ExecutionError => barrierError("PREGEL_STATE_LOST",
    `Pregel vertex partition ${split.index} ${why} (the driver restarts the run from the last checkpoint).`, { partition: split.index, needed: step });
  if (!tc.blocks.has(rddBlockId(parent.id, split.index))) throw lost(`is not resident on worker ${tc.workerId}: its worker or its cached copy was lost`);
  const P = parent.iterator(split, tc).next().value as VertexPartition | undefined;
  if (!P) throw lost("is empty");
  if (P.failed) throw barrierError("PREGEL_COMPUTE_FAILED", P.failed);
  if (P.step !== step) throw lost(`is at superstep ${P.step}, but the segment starts at ${step}`);
  return P;
}

/** Frames from one connection, awaited one kind at a time; a close or abort fails every wait. */
class Mailbox<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  push(x: T): void { this.items.push(x); this.wake(); }
  fail(e: Error): void { this.failure ??= e; this.wake(); }

  /** The first item `pick` accepts (removed), waiting for it. */
  async take(pick: (x: T) => boolean): Promise<T> {
    for (;;) {
      if (this.failure) throw this.failure;
      const i = this.items.findIndex(pick);
      if (i >= 0) return this.items.splice(i, 1)[0]!;
      await new Promise<void>((r) => { this.waiter = r; });
    }
  }

  private wake(): void { const w = this.waiter; this.waiter = null; w?.(); }
}

/** Run the segment on partition `P` until the hub says stop; returns the supersteps run. */
async function runSegment(P: VertexPartition, fns: SegmentFns, a: SegmentArgs): Promise<SegmentReport> {
  const pid = P.pid, parts = a.parts;
  const fromHub = new Mailbox<FromHub>(), fromPeers = new Mailbox<Messages>();
  const abort = (why: string): void => {
    const e = barrierError("PREGEL_BARRIER_ABORTED", `Pregel superstep barrier aborted: ${why}.`, { partition: pid });
    fromHub.fail(e); fromPeers.fail(e);
  };
  const links = new PeerLinks<Messages>(pid, a.attempt, a.secret, (f) => fromPeers.push(f));
  const hub = new WebSocket(a.hubUrl, { generateMask: zeroMask });
  hub.on("error", () => {});
  const toHub = (m: ToHub): void => { if (hub.readyState === WebSocket.OPEN) hub.send(encode(m)); };
  const superstep = (step: number, aggregates: Record<string, unknown>, messages: Array<[number, MessageBucket]>): SuperstepStats | Error => {
    const ckpt = a.checkpoint && (step + 1) % a.checkpoint.interval === 0 ? `${a.checkpoint.dir}/superstep-${step}` : undefined;
    try {
      return (pregelSuperstep({ step, numVertices: a.numVertices, aggregates, combine: fns.combiner !== null, ...(ckpt ? { checkpoint: ckpt } : {}) },
        fns.compute, fns.combiner, fns.reducers, [P], messages) as [SuperstepStats])[0];
    } catch (e) {
      // compute() threw: the run fails with the user's message and stack, never retried.
      const message = e instanceof Error ? e.message : String(e);
      return new ExecutionError("PREGEL_COMPUTE_FAILED", message, { parameters: { partition: pid, superstep: step, deterministic: true }, causeStack: e instanceof Error ? e.stack : undefined });
    }
  };
  try {
    const listening = links.listen();
    const opened = new Promise<void>((resolve, reject) => { hub.once("open", () => resolve()); hub.once("error", reject); });
    let aggregates = a.aggregates;
    // Superstep 0 reads no messages: it runs while the connections open.
    let first = P.step === 0 ? superstep(0, aggregates, []) : null;
    const dataUrl = await listening;
    await opened;
    hub.on("message", (data) => {
      const m = decode<FromHub>(data as Buffer);
      if (m.t === "peers") links.connect(m.urls);
      else if (m.t === "abort") abort(m.reason);
      else fromHub.push(m);
    });
    hub.on("close", () => abort("the driver's hub closed"));
    toHub({ t: "hello", secret: a.secret, attempt: a.attempt, pid, dataUrl });

    // The messages superstep `step` sent (P.sent): to every other partition one frame, empty or not.
    const send = (step: number): void => {
      for (let q = 0; q < parts; q++) if (q !== pid) links.send(q, { t: "msgs", step, from: pid, buckets: P.sent.filter((b) => b[0] === q) });
    };
    // The inbox of superstep `step + 1`: this partition's own bucket and one frame from every other.
    const inbox = async (step: number): Promise<Array<[number, MessageBucket]>> => {
      const got = P.sent.filter((b) => b[0] === pid);
      for (let n = 1; n < parts; n++) got.push(...(await fromPeers.take((f) => f.step === step)).buckets);
      return got;
    };
    if (first === null && P.step > 0) send(P.step - 1); // the messages in flight when the segment starts
    for (;;) {
      const step = first !== null ? 0 : P.step;
      const stats = first ?? superstep(step, aggregates, step > 0 ? await inbox(step - 1) : []);
      first = null;
      if (stats instanceof Error) {
        toHub({ t: "failed", pid, message: stats.message.replace(/^\[PREGEL_COMPUTE_FAILED\] /, "") });
        throw stats;
      }
      toHub({ t: "step", pid, step, stats });
      send(step);
      const go = (await fromHub.take((m) => m.t === "go" && m.step === step)) as Extract<FromHub, { t: "go" }>;
      if (go.stop) return { pid, from: a.start, to: P.step, values: P.ids.map((id, i) => [id, P.values[i]] as [VertexId, unknown]) };
      aggregates = go.aggregates;
    }
  } finally {
    // Nothing sent is waited for: at a stop the other partitions stop too, and the messages of the
    // last superstep stay in P.sent for whatever runs next.
    await links.close();
    hub.close();
  }
}

/** A segment of supersteps as one stage: one long-running task per vertex partition, on the partition's worker. */
export class PregelSegmentRDD extends RDD<SegmentReport> {
  readonly kind = "graph.pregelSegment";
  constructor(ctx: RddContext, readonly parent: RDD<VertexPartition>, readonly args: SegmentArgs, readonly fns: (() => SegmentFns) | SerializedFunction) {
    super(ctx, [new OneToOneDependency(parent as RDD<unknown>)], "pregelSupersteps");
  }
  protected getPartitions(): Partition[] {
    return this.parent.partitions;
  }
  shipArgs(): unknown {
    return { args: this.args, fns: typeof this.fns === "function" ? this.ship("fns", this.fns, "pregel") : this.fns };
  }
  override async prepare(split: Partition, tc: TaskContext): Promise<void> {
    const P = residentPartition(this.parent as RDD<unknown>, split, tc, this.args.start);
    const fns = (typeof this.fns === "function" ? this.fns : deserializeFunction(this.fns) as () => SegmentFns)();
    tc.prepared.set(`pregel-${this.id}`, await runSegment(P, fns, this.args));
  }
  compute(_split: Partition, tc: TaskContext): Iterator<SegmentReport> {
    return [tc.prepared.get(`pregel-${this.id}`) as SegmentReport][Symbol.iterator]();
  }
}

registerRddKind("graph.pregelSegment", (ctx, a: { args: SegmentArgs; fns: SerializedFunction }, [parent]) =>
  new PregelSegmentRDD(ctx, parent as RDD<VertexPartition>, a.args, a.fns));
