// Shards of a store, in the session's worker processes or in this one: the one place that decides
// where shard i lives and carries an operation to it. On the workers each shard is an object in a
// worker's main thread, kept by a worker service (registerShardService) under its store's name and
// index; the driver reaches it over the session's authenticated channel. Without a session the
// same objects live here and operations are plain calls, so both paths run the same code.

import { registerWorkerService } from "../cluster/worker-services";
import { AnalysisError, ExecutionError } from "../common/errors";
import type { KvCluster } from "./kv-nodes";

/** Every shard operation names its store and shard; "open" (re)creates the shard. */
export interface ShardOp { op: string; store: string; shard: number }

export class ShardHost<S, Op extends ShardOp> {
  private constructor(
    private readonly service: string,
    private readonly hostOf: string[],
    private readonly local: S[],
    private readonly apply: (shard: S, op: Op) => unknown,
    private readonly cluster?: KvCluster,
  ) {}

  /**
   * Open `n` shards: round-robin over the live workers with a cluster, else here (made by
   * `make`). `open(i)` is the operation that creates shard i on its host.
   */
  static async open<S, Op extends ShardOp>(cluster: KvCluster | undefined, service: string, n: number,
    make: (open: Op) => S, apply: (shard: S, op: Op) => unknown, open: (i: number) => Op): Promise<ShardHost<S, Op>> {
    const workers = cluster ? cluster.workers().filter((w) => w.state === "ALIVE").map((w) => w.id).sort() : [];
    if (cluster && workers.length === 0) throw new ExecutionError("NO_WORKERS", "The session has no live worker to host the store's shards.");
    const hosts = Array.from({ length: n }, (_, i) => (cluster ? workers[i % workers.length]! : "driver"));
    const local = cluster ? [] : Array.from({ length: n }, (_, i) => make(open(i)));
    const host = new ShardHost<S, Op>(service, hosts, local, apply, cluster);
    if (cluster) await Promise.all(hosts.map((_, i) => host.call(i, open(i))));
    return host;
  }

  get size(): number { return this.hostOf.length; }

  /** Where each shard lives: a worker id or "driver". */
  hosts(): string[] { return [...this.hostOf]; }

  call(shard: number, op: Op): Promise<unknown> {
    if (!this.cluster) {
      try { return Promise.resolve(this.apply(this.local[shard]!, op)); } catch (e) { return Promise.reject(e); }
    }
    return this.cluster.serviceRequest(this.hostOf[shard]!, this.service, op, 120_000);
  }

  /** The same operation on every shard (scatter), answers in shard order (gather). */
  all(op: (shard: number) => Op): Promise<unknown[]> {
    return Promise.all(this.hostOf.map((_, i) => this.call(i, op(i))));
  }
}

/** The worker side: keep the shards the driver opened on this worker and apply operations to them. */
export function registerShardService<S, Op extends ShardOp>(service: string, make: (open: Op) => S, apply: (shard: S, op: Op) => unknown): void {
  const shards = new Map<string, S>();
  registerWorkerService(service, (raw, ctx) => {
    const op = raw as Op;
    const id = `${op.store}/${op.shard}`;
    if (op.op === "open") shards.set(id, make(op));
    const shard = shards.get(id);
    if (shard === undefined) {
      throw new AnalysisError("UNKNOWN_SHARD", `Shard ${op.shard} of store ${op.store} is not on worker ${ctx.workerId} (was the worker restarted?).`, { parameters: { store: op.store, shard: op.shard } });
    }
    return apply(shard, op);
  });
}
