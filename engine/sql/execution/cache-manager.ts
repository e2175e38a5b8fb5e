// The cache manager: swaps cached sub-plans for their persisted column batches (Spark's
// CacheManager matches plans; here plans match by structure and attribute ids). Like Spark,
// cache() is lazy: the first action that reads a cached plan fills the cache.

import type { RDD } from "../../rdd";
import { StorageLevel } from "../../storage/storage-level";
import { isNumberType, type ColumnBatch } from "../column-batch";
import { cacheBatches, cachedRows } from "./columnar/cached-batches";
import { estimateSize } from "../physical/planner";
import { outputOf, planKey, transformPlanDown, type BuildMemo, type LogicalPlan } from "../plan/logical-plan";

interface CacheEntry {
  key: string;
  plan: LogicalPlan;
  level?: StorageLevel;
  /** The persisted column batches. */
  rdd?: RDD<ColumnBatch>;
  /** Their rows: what the plan reads. */
  rows?: RDD<unknown[]>;
  building?: Promise<RDD<unknown[]>>;
  /** Broadcast build sides made from it (executor.ts), destroyed with it. */
  builds: BuildMemo;
}

/** An entry's batches unpersisted and the build sides made from them destroyed. */
function drop(e: CacheEntry): void {
  e.rdd?.unpersist();
  for (const b of e.builds.values()) b.destroy?.();
  e.builds.clear();
}

export class CacheManager {
  private entries: CacheEntry[] = [];

  cache(plan: LogicalPlan, level?: StorageLevel): void {
    const key = planKey(plan);
    if (this.entries.some((e) => e.key === key)) return;
    this.entries.push({ key, plan, level, builds: new Map() });
  }

  /** The level a cached plan was given (undefined: cached with the default, or not cached). */
  levelOf(plan: LogicalPlan): StorageLevel | undefined {
    const key = planKey(plan);
    return this.entries.find((e) => e.key === key)?.level;
  }

  isCached(plan: LogicalPlan): boolean {
    const key = planKey(plan);
    return this.entries.some((e) => e.key === key);
  }

  uncache(plan: LogicalPlan): void {
    const key = planKey(plan);
    for (const e of this.entries.filter((x) => x.key === key)) drop(e);
    this.entries = this.entries.filter((e) => e.key !== key);
  }

  clear(): void {
    for (const e of this.entries) drop(e);
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Replace cached sub-plans by their persisted RDDs, building (lazily, once) the RDD of each
   * entry used: like Spark, cache() is lazy and the first action fills the cache.
   */
  async substitute(plan: LogicalPlan, build: (p: LogicalPlan) => Promise<RDD<unknown[]>>): Promise<LogicalPlan> {
    if (!this.entries.length) return plan;
    const hits = this.hits(plan);
    for (const e of new Set(hits.values())) {
      if (!e.rdd) {
        e.building ??= build(e.plan).then((rdd) => {
          const lvl = e.level;
          // Dataset.cache() is Scala's MEMORY_AND_DISK in Spark, which keeps live rows (PySpark's
          // df.storageLevel says "Disk Memory Deserialized 1x Replicated"): MEMORY_AND_DISK_DESER here.
          // Evicted blocks spill instead of being recomputed.
          // Stored as column batches (columnar/cached-batches.ts); the plan reads their rows.
          // Columns of a type with a packer (ML's dense vectors) are packed into one Float64Array per batch.
          const out = outputOf(e.plan), numeric = out.map((a) => isNumberType(a.dataType)), types = out.map((a) => a.dataType.type);
          const batches = rdd.mapPartitions((it: Iterable<unknown[]>) => cacheBatches(numeric, it, types), true).persist(lvl ?? StorageLevel.MEMORY_AND_DISK_DESER);
          batches.setName(`InMemoryRelation`);
          e.rdd = batches;
          e.rows = batches.mapPartitions((it: Iterable<ColumnBatch>) => cachedRows(it), true);
          return e.rows;
        });
        await e.building;
      }
    }
    return this.replaceHits(plan, hits, false);
  }

  /** The plan explain() shows: cached sub-plans as in-memory relations, built or not (no job runs). */
  substituteForExplain(plan: LogicalPlan): LogicalPlan {
    return this.entries.length ? this.replaceHits(plan, this.hits(plan), true) : plan;
  }

  private hits(plan: LogicalPlan): Map<LogicalPlan, CacheEntry> {
    const hits = new Map<LogicalPlan, CacheEntry>();
    transformPlanDown(plan, (p) => {
      const key = planKey(p);
      const e = this.entries.find((x) => x.key === key);
      if (e) hits.set(p, e);
      return p;
    });
    return hits;
  }

  private replaceHits(plan: LogicalPlan, hits: Map<LogicalPlan, CacheEntry>, unbuilt: boolean): LogicalPlan {
    return transformPlanDown(plan, (p) => {
      const e = hits.get(p);
      if (!e || (!e.rows && !unbuilt)) return p;
      const output = outputOf(p);
      const relation = { plan: e.plan, level: (e.level ?? StorageLevel.MEMORY_AND_DISK_DESER).planString() };
      return { kind: "RddRelation", rdd: e.rows ?? null, output, name: "InMemoryRelation", cached: { batches: e.rdd ?? null, all: output, sizeInBytes: estimateSize(e.plan), builds: e.builds, relation } };
    });
  }
}
