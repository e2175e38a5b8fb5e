// Caching on real workers: hits skip recomputation, a small memory budget evicts least-recently
// used partitions (recomputed transparently from lineage), MEMORY_AND_DISK spills to disk,
// checkpoints cut the lineage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageLevel, type SparkSession, type SparkContext, type TaskInfo } from "../../engine/index";
import { startSession, sorted } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
// A tiny cache budget per executor so eviction is easy to provoke.
beforeAll(async () => ({ spark, sc } = await startSession("local[2]", { "spark.workbench.cache.memory": "250k" })));
afterAll(async () => spark?.stop());

const tasksOfLastJob = (): TaskInfo[] => spark.lastJob()!.tasks();

describe("cache", () => {
  it("a cached RDD is computed once: later actions hit the cache", async () => {
    const computed = sc.accumulator(0);
    const rdd = sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4).map((x) => { computed.add(1); return x * 2; }).cache();
    expect(await rdd.sum()).toBe(999 * 1000);
    expect(computed.value).toBe(1000);
    expect(await rdd.count()).toBe(1000);
    expect(computed.value).toBe(1000); // no recomputation
    const hits = tasksOfLastJob().reduce((a, t) => a + (t.metrics?.cacheHits ?? 0), 0);
    expect(hits).toBe(4);
    expect([...spark.cluster.cachedPartitions(rdd).keys()].sort()).toEqual([0, 1, 2, 3]);
    // The DAG marks the cached RDD.
    expect(spark.lastJob()!.dag().rdds.find((r) => r.id === rdd.id)!.cached).toBe(true);
    rdd.unpersist();
    expect(spark.cluster.cachedPartitions(rdd).size).toBe(0);
    await rdd.count();
    expect(computed.value).toBe(2000);
  });

  it("a memory budget too small for everything evicts least-recently-used partitions, recomputed transparently", async () => {
    const computed = sc.accumulator(0);
    // 8 partitions x ~85 KB each (stored serialized) on 2 executors with 250 KB each: at most 2 fit per executor.
    const big = sc.parallelize(Array.from({ length: 8 }, (_, i) => i), 8)
      .flatMap((p) => Array.from({ length: 2500 }, (_, j) => `p${p}-${j}-${"x".repeat(24)}`))
      .map((s) => { computed.add(1); return s; })
      .cache();
    const expected = await big.count();
    expect(expected).toBe(20000);
    const cachedAfterFirst = spark.cluster.cachedPartitions(big).size;
    expect(cachedAfterFirst).toBeGreaterThan(0);
    expect(cachedAfterFirst).toBeLessThan(8);
    const first = computed.value;
    expect(await big.count()).toBe(expected);     // evicted partitions recomputed, same answer
    expect(computed.value).toBeGreaterThan(first);
    expect(sorted(await big.filter((s) => s.endsWith("x")).map((s) => s.split("-")[0]).distinct().collect())).toEqual(
      ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"]);
    big.unpersist();
  });

  it("MEMORY_AND_DISK keeps evicted partitions on disk: no recomputation", async () => {
    const computed = sc.accumulator(0);
    const rdd = sc.parallelize(Array.from({ length: 8 }, (_, i) => i), 8)
      .flatMap((p) => Array.from({ length: 2500 }, (_, j) => `q${p}-${j}-${"y".repeat(24)}`))
      .map((s) => { computed.add(1); return s; })
      .persist(StorageLevel.MEMORY_AND_DISK);
    expect(await rdd.count()).toBe(20000);
    expect(computed.value).toBe(20000);
    expect(await rdd.count()).toBe(20000);
    expect(computed.value).toBe(20000);
    expect(spark.cluster.cachedPartitions(rdd).size).toBe(8);
    rdd.unpersist();
  });

  it("DISK_ONLY caches on disk", async () => {
    const computed = sc.accumulator(0);
    const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => { computed.add(1); return x; }).persist(StorageLevel.DISK_ONLY);
    await rdd.collect();
    expect(await rdd.collect()).toEqual([1, 2, 3, 4]);
    expect(computed.value).toBe(4);
    expect(rdd.getStorageLevel().name).toBe("DISK_ONLY");
    rdd.unpersist();
  });

  it("checkpoint() writes the partitions and truncates the lineage", async () => {
    sc.setCheckpointDir(mkdtempSync(join(tmpdir(), "cp-")));
    const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b);
    rdd.checkpoint();
    expect(rdd.isCheckpointed()).toBe(false);
    expect(sorted(await rdd.collect())).toEqual([[0, 6], [1, 4]]);
    expect(rdd.isCheckpointed()).toBe(true);
    expect(rdd.toDebugString()).toContain("ReliableCheckpointRDD");
    expect(rdd.toDebugString()).not.toContain("ParallelCollectionRDD");
    expect(sorted(await rdd.mapValues((v) => v * 10).collect())).toEqual([[0, 60], [1, 40]]);
  });

  it("a join of two co-partitioned cached RDDs runs where their partitions are cached: no recomputation", async () => {
    const computed = sc.accumulator(0);
    const mk = (k: number) => sc.parallelize(Array.from({ length: 400 }, (_, i) => [i, i * k] as [number, number]), 4)
      .partitionBy(4).mapValues((v) => { computed.add(1); return v; }).persist(StorageLevel.MEMORY_AND_DISK_DESER);
    const a = mk(1), b = mk(2);
    // The first join computes both inputs in the same tasks, so partition i of a and of b are
    // cached on the same executor (computed apart, they could land on different ones).
    expect((await a.join(b).collect()).length).toBe(400);
    expect(computed.value).toBe(800);
    for (let round = 0; round < 6; round++) {
      const joined = a.join(b);
      expect(joined.getNumPartitions()).toBe(4);
      expect((await joined.collect()).length).toBe(400);
      // each task found both inputs in its executor's cache (Spark's preferred locations through narrow dependencies)
      expect(tasksOfLastJob().map((t) => [t.metrics?.cacheHits, t.metrics?.cacheMisses])).toEqual([[2, 0], [2, 0], [2, 0], [2, 0]]);
    }
    expect(computed.value).toBe(800);
    a.unpersist(); b.unpersist();
  });
});
