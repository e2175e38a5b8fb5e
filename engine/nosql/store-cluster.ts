// What the NoSQL stores need of the session's cluster to place their nodes and shards on the
// workers, and where a lost node or shard starts again.

import { ExecutionError } from "../common/errors";

/** What a store needs of `spark.cluster` to host its nodes or shards on the workers. */
export interface StoreCluster {
  workers(): Array<{ id: string; state: string }>;
  serviceRequest(workerId: string, service: string, op: unknown, timeoutMs?: number): Promise<unknown>;
}

/** The live workers' ids, sorted (placement is round-robin over them). */
export function liveWorkers(cluster: StoreCluster): string[] {
  return cluster.workers().filter((w) => w.state === "ALIVE").map((w) => w.id).sort();
}

/**
 * Where a node or shard runs again after a loss: its own worker if that is alive, else the live
 * worker hosting the fewest of the others (`others`: the workers the store's other nodes or shards are on).
 */
export function homeFor(cluster: StoreCluster, current: string, others: string[], what: string): string {
  const live = liveWorkers(cluster);
  if (live.length === 0) throw new ExecutionError("NO_WORKERS", `Cannot restart ${what}: the session has no live worker.`, { parameters: { what } });
  if (live.includes(current)) return current;
  const load = (w: string) => others.filter((h) => h === w).length;
  return live.reduce((a, b) => (load(b) < load(a) ? b : a));
}

