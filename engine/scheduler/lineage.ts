// Walks over an RDD's lineage for the DAG scheduler: the shuffle boundaries below an RDD, the
// parent stages still missing outputs (a fully cached RDD hides its parents), the executors
// caching a partition a task would read, and cutting lineage at completed checkpoints.

import { rddBlockId } from "../storage/block-ids";
import { CheckpointRDD, NarrowDependency, ShuffleDependency, checkpointComplete, walkLineage, type RDD } from "../rdd";
import type { ShuffleMapStage, Stage } from "./stage";

/** Block id -> executors ("worker#slot") holding it. */
export type CacheLocations = Map<string, Set<string>>;

/** Parent stages whose outputs are not all present. A fully cached RDD hides its parents. */
export function missingParents(stage: Stage, shuffleStages: Map<number, ShuffleMapStage>, cacheLocs: CacheLocations): Stage[] {
  const missing = new Map<number, Stage>();
  walkLineage(stage.rdd, (r) => {
    if (fullyCached(r, cacheLocs)) return false;
    for (const d of r.dependencies) {
      if (!(d instanceof ShuffleDependency)) continue;
      const ms = shuffleStages.get(d.shuffleId)!;
      if (!ms.isAvailable) missing.set(ms.id, ms);
    }
    return true;
  }, "narrow");
  return [...missing.values()];
}

/**
 * Whether root's stage reads nothing but shuffle blocks: every RDD it reaches through narrow
 * dependencies has a parent (no collection, range, file or checkpoint source inside the stage).
 */
export function readsOnlyShuffles(root: RDD<unknown>): boolean {
  let only = true;
  walkLineage(root, (r) => {
    if (r.dependencies.length === 0) only = false;
    return only;
  }, "narrow");
  return only;
}

function fullyCached(r: RDD<unknown>, cacheLocs: CacheLocations): boolean {
  if (!(r.storageLevel.useMemory || r.storageLevel.useDisk)) return false;
  const n = r.getNumPartitions();
  for (let i = 0; i < n; i++) if (!cacheLocs.get(rddBlockId(r.id, i))?.size) return false;
  return n > 0;
}

/**
 * Executors holding a cached partition the task would read: the RDD's own block, else the first
 * narrow parent partition (in dependency order, recursively) that is cached somewhere, as
 * Spark's DAGScheduler.getPreferredLocs. A join of two co-partitioned cached RDDs so runs where
 * its inputs are instead of recomputing them elsewhere.
 */
export function preferredExecutors(rdd: RDD<unknown>, partition: number, cacheLocs: CacheLocations): string[] {
  return preferredFrom(rdd, partition, cacheLocs, new Set());
}

function preferredFrom(r: RDD<unknown>, partition: number, cacheLocs: CacheLocations, visited: Set<string>): string[] {
  const key = `${r.id}:${partition}`;
  if (visited.has(key)) return [];
  visited.add(key);
  if (r.storageLevel.useMemory || r.storageLevel.useDisk) {
    const locs = cacheLocs.get(rddBlockId(r.id, partition));
    if (locs?.size) return [...locs];
  }
  if (r.checkpointState?.done) return [];
  for (const d of r.dependencies) {
    if (!(d instanceof NarrowDependency)) continue;
    for (const p of d.getParents(partition)) {
      const locs = preferredFrom(d.rdd, p, cacheLocs, visited);
      if (locs.length) return locs;
    }
  }
  return [];
}

/** RDDs marked for checkpointing were written by this job: cut their lineage. */
export function completeCheckpoints(rdd: RDD<unknown>): void {
  walkLineage(rdd, (r) => {
    const cp = r.checkpointState;
    if (cp && !cp.done && checkpointComplete(cp.dir, r.id, r.getNumPartitions())) {
      cp.reader = new CheckpointRDD(r.context, cp.dir, r.id, r.getNumPartitions()) as RDD<any>;
      cp.done = true;
      return false;
    }
    return true;
  });
}
