// The RDD API on a real local[2] cluster, checked against plain-array reference models.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { SparkSession, SparkContext } from "../../engine/index";
import { startSession, sorted } from "./helpers";


let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession()));
afterAll(async () => spark?.stop());

const words = "the quick brown fox jumps over the lazy dog the end".split(" ");

describe("RDD API on real workers", () => {
  it("word count from a text file equals a plain loop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wc-"));
    const lines = Array.from({ length: 500 }, (_, i) => `${words[i % words.length]} ${words[(i * 7) % words.length]} line${i % 13}`);
    writeFileSync(join(dir, "in.txt"), lines.join("\n") + "\n");
    const counts = await sc.textFile(join(dir, "in.txt"), 4).flatMap((l) => l.split(/\s+/))
      .map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect();
    const model = new Map<string, number>();
    for (const l of lines) for (const w of l.split(/\s+/)) model.set(w, (model.get(w) ?? 0) + 1);
    expect(sorted(counts)).toEqual(sorted([...model.entries()]));
  });

  it("transformations run nothing; each action runs exactly one job", async () => {
    const tracker = sc.statusTracker();
    const before = tracker.getJobIdsForGroup().length;
    const rdd = sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 4).map((x) => [x % 5, x] as [number, number])
      .reduceByKey((a, b) => a + b).mapValues((v) => v * 2).filter(([k]) => k !== 3);
    expect(tracker.getJobIdsForGroup().length).toBe(before);
    await rdd.count();
    expect(tracker.getJobIdsForGroup().length).toBe(before + 1);
    await rdd.collect();
    expect(tracker.getJobIdsForGroup().length).toBe(before + 2);
    const last = tracker.getJobInfo(tracker.getJobIdsForGroup().at(-1)!)!;
    expect(last.status).toBe("SUCCEEDED");
    expect(last.stageIds).toHaveLength(2);
    // The second job over the same shuffle skips its map stage.
    const dag = spark.lastJob()!.dag();
    expect(dag.stages.filter((s) => s.skipped)).toHaveLength(1);
  });

  it("actions agree with the plain-array model", async () => {
    const data = Array.from({ length: 200 }, (_, i) => (i * 37) % 101);
    const rdd = sc.parallelize(data, 3);
    expect(await rdd.count()).toBe(data.length);
    expect(await rdd.first()).toBe(data[0]);
    expect(await rdd.take(5)).toEqual(data.slice(0, 5));
    expect(await rdd.takeOrdered(4)).toEqual([...data].sort((a, b) => a - b).slice(0, 4));
    expect(await rdd.top(3)).toEqual([...data].sort((a, b) => b - a).slice(0, 3));
    expect(await rdd.reduce((a, b) => a + b)).toBe(data.reduce((a, b) => a + b));
    expect(await rdd.fold(0, (a, b) => a + b)).toBe(data.reduce((a, b) => a + b));
    expect(await rdd.aggregate([0, 0] as [number, number], (acc, x): [number, number] => [acc[0] + x, acc[1] + 1], (a, b): [number, number] => [a[0] + b[0], a[1] + b[1]])).toEqual([data.reduce((a, b) => a + b), data.length]);
    expect(await rdd.sum()).toBe(data.reduce((a, b) => a + b));
    expect(await rdd.mean()).toBeCloseTo(data.reduce((a, b) => a + b) / data.length, 10);
    const st = await rdd.stats();
    expect(st.count()).toBe(200);
    expect(st.max()).toBe(Math.max(...data));
    expect(st.min()).toBe(Math.min(...data));
    const m = data.reduce((a, b) => a + b) / data.length;
    expect(st.variance()).toBeCloseTo(data.reduce((a, x) => a + (x - m) ** 2, 0) / data.length, 8);
    expect(await rdd.max()).toBe(Math.max(...data));
    expect(await rdd.min()).toBe(Math.min(...data));
    const cbv = await rdd.countByValue();
    expect(cbv.get(data[0]!)).toBe(data.filter((x) => x === data[0]).length);
    expect(await rdd.glom().map((p) => p.length).collect()).toEqual([66, 67, 67]);
    expect(await rdd.isEmpty()).toBe(false);
    expect(await sc.emptyRDD<number>().isEmpty()).toBe(true);
    await expect(sc.emptyRDD<number>().reduce((a, b) => a + b)).rejects.toThrow(/empty/);
    expect(await rdd.distinct().count()).toBe(new Set(data).size);
    expect(await rdd.getNumPartitions()).toBe(3);
  });

  it("pair operations: joins of every kind, cogroup, groupByKey, aggregateByKey, countByKey, collectAsMap", async () => {
    const left: Array<[string, number]> = [["a", 1], ["b", 2], ["a", 3], ["c", 4]];
    const right: Array<[string, string]> = [["a", "x"], ["c", "y"], ["c", "z"], ["d", "w"]];
    const l = sc.parallelize(left, 2), r = sc.parallelize(right, 3);
    const model = (outer: "inner" | "left" | "right" | "full") => {
      const out: unknown[] = [];
      const keys = new Set([...left.map((x) => x[0]), ...right.map((x) => x[0])]);
      for (const k of keys) {
        const vs = left.filter((x) => x[0] === k).map((x) => x[1]);
        const ws = right.filter((x) => x[0] === k).map((x) => x[1]);
        if (vs.length && ws.length) for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
        else if (vs.length && (outer === "left" || outer === "full")) for (const v of vs) out.push([k, [v, null]]);
        else if (ws.length && (outer === "right" || outer === "full")) for (const w of ws) out.push([k, [null, w]]);
      }
      return sorted(out);
    };
    expect(sorted(await l.join(r).collect())).toEqual(model("inner"));
    expect(sorted(await l.leftOuterJoin(r).collect())).toEqual(model("left"));
    expect(sorted(await l.rightOuterJoin(r).collect())).toEqual(model("right"));
    expect(sorted(await l.fullOuterJoin(r).collect())).toEqual(model("full"));
    const cg = new Map((await l.cogroup(r).collect()).map(([k, [vs, ws]]) => [k, [vs.sort(), ws.sort()]]));
    expect(cg.get("a")).toEqual([[1, 3], ["x"]]);
    expect(cg.get("d")).toEqual([[], ["w"]]);
    const g = new Map((await l.groupByKey().collect()).map(([k, vs]) => [k, vs.sort()]));
    expect(g).toEqual(new Map([["a", [1, 3]], ["b", [2]], ["c", [4]]]));
    expect(new Map(await l.aggregateByKey(0, (acc, v) => acc + v, (a, b) => a + b).collect())).toEqual(new Map([["a", 4], ["b", 2], ["c", 4]]));
    expect(new Map(await l.foldByKey(0, (a, b) => a + b).collect())).toEqual(new Map([["a", 4], ["b", 2], ["c", 4]]));
    expect(await l.countByKey()).toEqual(new Map([["a", 2], ["b", 1], ["c", 1]]));
    expect((await l.collectAsMap()).get("b")).toBe(2);
    expect(sorted(await l.subtractByKey(r).collect())).toEqual([["b", 2]]);
    expect(sorted(await l.keys().distinct().collect())).toEqual(["a", "b", "c"]);
    expect(await l.lookup("a")).toEqual([1, 3]);
  });

  it("keys compare by value: arrays as keys group together", async () => {
    const pairs: Array<[[string, number], number]> = [[["x", 1], 1], [["x", 1], 2], [["y", 1], 5], [["x", 2], 7]];
    const out = await sc.parallelize(pairs, 3).reduceByKey((a, b) => a + b).collect();
    expect(sorted(out)).toEqual(sorted([[["x", 1], 3], [["y", 1], 5], [["x", 2], 7]]));
  });

  it("sorts: sortByKey ascending/descending over several partitions, sortBy with a key function", async () => {
    const data = Array.from({ length: 300 }, (_, i) => (i * 7919) % 1000);
    const pairs = data.map((x) => [x, `v${x}`] as [number, string]);
    const asc = await sc.parallelize(pairs, 4).sortByKey(true, 3).collect();
    expect(asc.map((p) => p[0])).toEqual([...data].sort((a, b) => a - b));
    const desc = await sc.parallelize(pairs, 4).sortByKey(false, 3).keys().collect();
    expect(desc).toEqual([...data].sort((a, b) => b - a));
    const byStr = await sc.parallelize(words, 2).sortBy((w) => w.length * 100 + w.charCodeAt(0)).collect();
    expect(byStr).toEqual([...words].sort((a, b) => (a.length * 100 + a.charCodeAt(0)) - (b.length * 100 + b.charCodeAt(0))));
    const sortedRdd = sc.parallelize(pairs, 4).sortByKey(true, 3);
    const parts = await sortedRdd.glom().collect();
    expect(parts).toHaveLength(3);
    expect(parts.every((p) => p.length > 0)).toBe(true);
  });

  it("set operations, cartesian, zip, sample, coalesce and repartition", async () => {
    const a = sc.parallelize([1, 2, 3, 4, 5, 5], 2), b = sc.parallelize([4, 5, 6], 2);
    expect(sorted(await a.union(b).collect())).toEqual(sorted([1, 2, 3, 4, 5, 5, 4, 5, 6]));
    expect(sorted(await a.intersection(b).collect())).toEqual([4, 5]);
    expect(sorted(await a.subtract(b).collect())).toEqual([1, 2, 3]);
    expect(await a.cartesian(b).count()).toBe(18);
    expect(await sc.parallelize(["a", "b", "c"], 2).zipWithIndex().collect()).toEqual([["a", 0], ["b", 1], ["c", 2]]);
    expect(await sc.parallelize([1, 2, 3], 2).zip(sc.parallelize(["x", "y", "z"], 2)).collect()).toEqual([[1, "x"], [2, "y"], [3, "z"]]);
    const big = sc.range(0, 1000, 1, 4);
    const s1 = await big.sample(false, 0.1, 7).collect();
    expect(s1).toEqual(await big.sample(false, 0.1, 7).collect()); // deterministic for a seed
    expect(s1.length).toBeGreaterThan(50);
    expect(s1.length).toBeLessThan(160);
    expect(await big.coalesce(2).getNumPartitions()).toBe(2);
    expect(await big.coalesce(2).count()).toBe(1000);
    const rep = big.repartition(5);
    expect(rep.getNumPartitions()).toBe(5);
    expect(sorted(await rep.collect())).toEqual(sorted(Array.from({ length: 1000 }, (_, i) => i)));
    const sizes = await rep.glom().map((p) => p.length).collect();
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(4);
    expect(await sc.range(5).collect()).toEqual([0, 1, 2, 3, 4]);
    expect(await sc.range(2, 11, 3).collect()).toEqual([2, 5, 8]);
  });

  it("partitionBy with a custom function places keys, and a co-partitioned reduce needs no shuffle", async () => {
    const pairs = Array.from({ length: 20 }, (_, i) => [i, i] as [number, number]);
    const parted = sc.parallelize(pairs, 3).partitionBy(2, (k: number) => k % 2);
    const parts = await parted.glom().collect();
    expect(parts[0]!.every(([k]) => k % 2 === 0)).toBe(true);
    expect(parts[1]!.every(([k]) => k % 2 === 1)).toBe(true);
    const hashed = sc.parallelize(pairs, 3).partitionBy(2);
    const reduced = hashed.reduceByKey((a, b) => a + b, 2);
    expect(reduced.toDebugString().match(/\+-/g)?.length ?? 0).toBe(1); // one shuffle, not two
    expect(sorted(await reduced.collect())).toEqual(sorted(pairs));
  });

  it("wholeTextFiles, saveAsTextFile and textFile splits read every line exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "txt-"));
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${"x".repeat(i % 17)}`);
    writeFileSync(join(dir, "a.txt"), lines.join("\n"));
    writeFileSync(join(dir, "b.txt"), "one\ntwo\n");
    expect(await sc.textFile(join(dir, "a.txt"), 7).collect()).toEqual(lines);
    expect(sorted(await sc.textFile(dir, 3).collect())).toEqual(sorted([...lines, "one", "two"]));
    const whole = await sc.wholeTextFiles(dir).collect();
    expect(whole.map(([p]) => p.replace(/^.*\//, "")).sort()).toEqual(["a.txt", "b.txt"]);
    const out = join(dir, "out");
    await sc.parallelize(["x", "y", "z"], 2).saveAsTextFile(out);
    expect(existsSync(join(out, "_SUCCESS"))).toBe(true);
    const parts = readdirSync(out).filter((f) => f.startsWith("part-")).sort();
    expect(parts).toEqual(["part-00000", "part-00001"]);
    expect(parts.map((p) => readFileSync(join(out, p), "utf8")).join("")).toBe("x\ny\nz\n");
    await expect(sc.parallelize([1]).saveAsTextFile(out)).rejects.toThrow(/already exists/);
    await expect(async () => sc.textFile(join(dir, "missing.txt"))).rejects.toThrow(/Path does not exist/);
  });

  it("broadcast variables and accumulators", async () => {
    const lookup = sc.broadcast(new Map([["a", 1], ["b", 2]]));
    const acc = sc.accumulator(0);
    const out = await sc.parallelize(["a", "b", "a", "c"], 2).map((k) => { acc.add(1); return lookup.value.get(k) ?? 0; }).collect();
    expect(out).toEqual([1, 2, 1, 0]);
    expect(acc.value).toBe(4);
    const listAcc = sc.accumulator<string[]>([], { zero: () => [], addInPlace: (a, b) => a.concat(b) });
    await sc.parallelize(["p", "q"], 2).foreach((x) => listAcc.add([x]));
    expect(listAcc.value.sort()).toEqual(["p", "q"]);
  });

  it("a broadcast the program can no longer reach leaves the driver's scheduler (Spark's ContextCleaner); one still in use stays", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const held = sc.broadcast([1, 2, 3]);
    const dropped = await (async () => {
      const bc = sc.broadcast(Array.from({ length: 1000 }, (_, i) => i));
      expect(await sc.parallelize([1, 2, 3], 2).map((i) => bc.value[i]!).collect()).toEqual([1, 2, 3]);
      return bc.id;
    })();
    const broadcasts = sc.cluster.scheduler.state.broadcasts;
    expect(broadcasts.has(dropped)).toBe(true);
    for (let i = 0; i < 20 && broadcasts.has(dropped); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(broadcasts.has(dropped)).toBe(false);
    expect(broadcasts.has(held.id)).toBe(true);
    // The executors dropped it too; the one still held is still read there.
    expect(await sc.parallelize([0, 2], 2).map((i) => held.value[i]!).collect()).toEqual([1, 3]);
  });

  it("a shuffle the program can no longer reach has its files deleted on every worker (Spark's ContextCleaner); one still reachable keeps them and is reused", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    // Each worker's directory: the one in the temp folder its process owns (worker-dirs.ts).
    const pids = new Set(spark.cluster.workers().map((w) => String(w.pid)));
    const dirs = readdirSync(tmpdir()).filter((d) => d.startsWith("bigdata-")).map((d) => join(tmpdir(), d))
      .filter((d) => existsSync(join(d, ".owner-pid")) && pids.has(readFileSync(join(d, ".owner-pid"), "utf8").trim()));
    expect(dirs.length).toBe(pids.size);
    const filesOf = (shuffleId: number) => dirs.flatMap((d) => (existsSync(d) ? readdirSync(d) : []).filter((f) => f.startsWith(`shuffle_${shuffleId}_`)));
    const idOf = (rdd: { dependencies: readonly unknown[] }) => (rdd.dependencies[0] as { shuffleId: number }).shuffleId;
    const held = sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b);
    expect(sorted(await held.collect())).toEqual([[0, 6], [1, 4]]);
    const dropped = await (async () => {
      const rdd = sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 2).map((x) => [x % 5, 1] as [number, number]).reduceByKey((a, b) => a + b);
      expect(sorted(await rdd.collect())).toEqual([0, 1, 2, 3, 4].map((k) => [k, 20]));
      return idOf(rdd);
    })();
    expect(filesOf(dropped).length).toBeGreaterThan(0);
    for (let i = 0; i < 40 && filesOf(dropped).length > 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(filesOf(dropped)).toEqual([]);
    expect(filesOf(idOf(held)).length).toBeGreaterThan(0);
    // The held shuffle is still read: a second action skips its map stage.
    expect(sorted(await held.collect())).toEqual([[0, 6], [1, 4]]);
    expect(sc.lastJob()!.tasks().length).toBe(2); // the reduce tasks only
  });

  it("toDebugString shows the lineage with stage boundaries as Spark prints it", () => {
    const rdd = sc.parallelize([1, 2], 2).map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b).cache();
    const lines = rdd.toDebugString().split("\n");
    expect(lines[0]).toMatch(/^\(2\) ShuffledRDD\[\d+\] at reduceByKey at rdd-api\.test\.ts:\d+ \[Memory Serialized 1x Replicated\]$/); // PySpark: MEMORY_ONLY is serialized
    expect(lines[1]).toMatch(/^ \+-\(2\) MapPartitionsRDD\[\d+\] at map at rdd-api\.test\.ts:\d+ \[\]$/);
    expect(lines[2]).toMatch(/^    \|  ParallelCollectionRDD\[\d+\] at parallelize at rdd-api\.test\.ts:\d+ \[\]$/);
    rdd.unpersist();
  });
});

describe("status tracker", () => {
  it("getJobIdsForGroup follows PySpark: a named group, or (no argument) jobs without a group", async () => {
    const tracker = sc.statusTracker();
    sc.setJobGroup("g1", "grouped work");
    await sc.parallelize([1, 2]).count();
    sc.clearJobGroup();
    await sc.parallelize([1, 2]).count();
    const inGroup = tracker.getJobIdsForGroup("g1");
    const ungrouped = tracker.getJobIdsForGroup();
    expect(inGroup).toHaveLength(1);
    expect(ungrouped).not.toContain(inGroup[0]);
    expect(tracker.getJobInfo(inGroup[0]!)!.jobGroup).toBe("g1");
    expect(tracker.getActiveJobsIds()).toEqual([]);
    const stage = tracker.getStageInfo(tracker.getJobInfo(ungrouped.at(-1)!)!.stageIds[0]!)!;
    expect(stage).toMatchObject({ numTasks: 2, numCompletedTasks: 2, numActiveTasks: 0, numFailedTasks: 0, status: "COMPLETE" });
  });
});
