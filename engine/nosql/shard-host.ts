// Shards of a store, in the session's worker processes or in this one: the one place that decides
// where shard i lives and carries an operation to it. On the workers each shard is an object in a
// worker's main thread, kept by a worker service (registerShardService) under its store's name and
// index; the driver reaches it over the session's authenticated channel. Without a session the
// same objects live here and operations are plain calls, so both paths run the same code.
// On the workers every write is appended to the shard's log (in the store's directory) before it
// is applied; when a shard's worker is lost, the next operation opens the shard on a live worker,
// which replays the log, and goes on: reads and writes that had not left yet are retried there; a
// write lost in flight fails with WORKER_LOST (it may or may not have been applied).

import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { registerWorkerService } from "../cluster/worker-services";
import { AnalysisError, ExecutionError } from "../common/errors";
import { encodeFrame, forEachFrame } from "../storage/frame-file";
import { homeFor, liveWorkers, type StoreCluster } from "./store-cluster";

/** Every shard operation names its store and shard; "open" (re)creates the shard (from `log`, if given). */
export interface ShardOp { op: string; store: string; shard: number; log?: string }

/** An operation without its addressing (each member of a union kept apart). */
export type OpBody<Op> = Op extends unknown ? Omit<Op, "store" | "shard"> : never;

export interface ShardHostOptions<Op> {
  /** Directory of the shards' write logs (on the workers' machine); without it a lost shard is gone. */
  logDir?: string;
  /** Operations that change a shard (logged, and not retried once sent). */
  isWrite?: (op: Op) => boolean;
}

export class ShardHost<S, Op extends ShardOp> {
  /** Shards opened again after their worker was lost. */
  reopened = 0;
  private readonly reopening = new Map<number, Promise<void>>();

  private constructor(
    private readonly service: string,
    private readonly hostOf: string[],
    private readonly local: S[],
    private readonly apply: (shard: S, op: Op) => unknown,
    private readonly openOp: (i: number) => Op,
    private readonly opts: ShardHostOptions<Op>,
    private readonly cluster?: StoreCluster,
  ) {}

  /**
   * Open `n` shards: round-robin over the live workers with a cluster, else here (made by
   * `make`). `open(i)` is the operation that creates shard i on its host.
   */
  static async open<S, Op extends ShardOp>(cluster: StoreCluster | undefined, service: string, n: number,
    make: (open: Op) => S, apply: (shard: S, op: Op) => unknown, open: (i: number) => Op, opts: ShardHostOptions<Op> = {}): Promise<ShardHost<S, Op>> {
    const workers = cluster ? liveWorkers(cluster) : [];
    if (cluster && workers.length === 0) throw new ExecutionError("NO_WORKERS", "The session has no live worker to host the store's shards.");
    const hosts = Array.from({ length: n }, (_, i) => (cluster ? workers[i % workers.length]! : "driver"));
    const local = cluster ? [] : Array.from({ length: n }, (_, i) => make(open(i)));
    const withLog = (i: number): Op => {
      const o = open(i);
      return cluster && opts.logDir ? { ...o, log: `${opts.logDir}/${o.store}-${i}.log` } : o;
    };
    const host = new ShardHost<S, Op>(service, hosts, local, apply, withLog, opts, cluster);
    if (cluster) await Promise.all(hosts.map((h, i) => cluster.serviceRequest(h, service, withLog(i), 120_000)));
    return host;
  }

  get size(): number { return this.hostOf.length; }

  /** Where each shard lives: a worker id or "driver". */
  hosts(): string[] { return [...this.hostOf]; }

  async call(shard: number, op: Op): Promise<unknown> {
    if (!this.cluster) return this.apply(this.local[shard]!, op);
    const cluster = this.cluster;
    const send = () => cluster.serviceRequest(this.hostOf[shard]!, this.service, op, 120_000);
    try {
      return await send();
    } catch (e) {
      const err = e as { condition?: string; parameters?: { sent?: boolean } };
      const lost = err.condition === "WORKER_LOST" || err.condition === "UNKNOWN_SHARD";
      if (!lost || !this.opts.logDir) throw e;
      await this.reopen(shard);
      // Retry what certainly did not run, and reads; a write lost in flight may have run.
      if (err.parameters?.sent === false || err.condition === "UNKNOWN_SHARD" || !(this.opts.isWrite?.(op) ?? true)) return send();
      throw e;
    }
  }

  /** Open a lost shard on the live worker holding the fewest of this store's shards; it replays its log. */
  private reopen(shard: number): Promise<void> {
    let p = this.reopening.get(shard);
    if (!p) {
      p = (async () => {
        const cluster = this.cluster!;
        const target = homeFor(cluster, this.hostOf[shard]!, this.hostOf.filter((_, i) => i !== shard), `shard ${shard}`);
        await cluster.serviceRequest(target, this.service, this.openOp(shard), 120_000);
        this.hostOf[shard] = target;
        this.reopened++;
      })().finally(() => this.reopening.delete(shard));
      this.reopening.set(shard, p);
    }
    return p;
  }

  /** The same operation on every shard (scatter), answers in shard order (gather). */
  all(op: (shard: number) => Op): Promise<unknown[]> {
    return Promise.all(this.hostOf.map((_, i) => this.call(i, op(i))));
  }
}

/**
 * The worker side: keep the shards the driver opened on this worker and apply operations to them.
 * A shard opened with a log replays it (a torn last frame from a crash ends the replay) and appends
 * every write to it before applying it.
 */
export function registerShardService<S, Op extends ShardOp>(service: string, make: (open: Op) => S, apply: (shard: S, op: Op) => unknown, isWrite: (op: Op) => boolean = () => false): void {
  const shards = new Map<string, { shard: S; log?: string }>();
  registerWorkerService(service, (raw, ctx) => {
    const op = raw as Op;
    const id = `${op.store}/${op.shard}`;
    if (op.op === "open") {
      const shard = make(op);
      if (op.log) {
        mkdirSync(dirname(op.log), { recursive: true });
        if (existsSync(op.log)) {
          try { forEachFrame(readFileSync(op.log), (batch) => { try { apply(shard, batch[0] as Op); } catch { /* it failed the first time too */ } }); }
          catch (e) { if (!(e instanceof RangeError)) throw e; }
        }
      }
      shards.set(id, { shard, ...(op.log ? { log: op.log } : {}) });
    }
    const entry = shards.get(id);
    if (entry === undefined) {
      throw new AnalysisError("UNKNOWN_SHARD", `Shard ${op.shard} of store ${op.store} is not on worker ${ctx.workerId} (was the worker restarted?).`, { parameters: { store: op.store, shard: op.shard } });
    }
    if (entry.log && op.op !== "open" && isWrite(op)) appendFileSync(entry.log, Buffer.concat(encodeFrame([op])));
    return apply(entry.shard, op);
  });
}
